# Checks the stage layering: every #include "stage/..." in src/<stage>/ names
# a stage that <stage> links (directly or through its dependencies), as
# declared by harrier_stage() in src/CMakeLists.txt. Run at every build (the
# harrier_layering target) and as a test.
#   cmake -DSRC=<repo>/src -DRULES=<build>/layering.txt -P check_layering.cmake
file(STRINGS "${RULES}" rules)
set(violations "")
foreach(rule IN LISTS rules)
  string(REPLACE ":" ";" parts "${rule}")
  list(GET parts 0 dir)
  list(GET parts 1 allowed)
  string(REPLACE "," ";" allowed "${allowed}")
  file(GLOB files "${SRC}/${dir}/*.h" "${SRC}/${dir}/*.cc")
  foreach(f IN LISTS files)
    file(STRINGS "${f}" includes REGEX "^#include \"[a-z_]+/")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^#include \"([a-z_]+)/.*" "\\1" stage "${line}")
      list(FIND allowed "${stage}" found)
      if(found EQUAL -1)
        file(RELATIVE_PATH rel "${SRC}" "${f}")
        list(APPEND violations "src/${rel}: includes ${stage}/, which stage '${dir}' does not link")
      endif()
    endforeach()
  endforeach()
endforeach()
if(violations)
  list(JOIN violations "\n  " msg)
  message(FATAL_ERROR "stage layering broken (src/CMakeLists.txt declares what each stage may use):\n  ${msg}")
endif()
