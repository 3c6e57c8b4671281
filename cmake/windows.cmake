# The Windows (mingw-w64) build: one static harrier.exe (make windows).
# The libraries come from HARRIER_WIN_DEPS, the prefix
# scripts/build-windows-deps.sh built (see cmake/mingw64.cmake); the targets
# made here carry the names the Linux build gets from pkg-config and CMake's
# find modules, so src/CMakeLists.txt is the same for both.
if(NOT HARRIER_WIN_DEPS OR NOT EXISTS "${HARRIER_WIN_DEPS}/lib/libyara.a")
  message(FATAL_ERROR "HARRIER_WIN_DEPS='${HARRIER_WIN_DEPS}' holds no Windows libraries: "
    "run scripts/build-windows-deps.sh PREFIX and configure with -DHARRIER_WIN_DEPS=PREFIX")
endif()
set(D "${HARRIER_WIN_DEPS}")
find_package(Threads REQUIRED)

# Windows 10 APIs (console colours, unprivileged symbolic links); no
# min/max macros; no rarely used parts of windows.h.
add_compile_definitions(_WIN32_WINNT=0x0A00 WINVER=0x0A00 NOMINMAX WIN32_LEAN_AND_MEAN)
# Everything static: the .exe needs only DLLs every Windows has.
add_link_options(-static -static-libgcc -static-libstdc++)

function(harrier_win_lib name)
  cmake_parse_arguments(ARG "" "" "INCLUDES;LIBS;DEFS" ${ARGN})
  add_library(${name} INTERFACE IMPORTED)
  set_target_properties(${name} PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${ARG_INCLUDES}"
    INTERFACE_COMPILE_DEFINITIONS "${ARG_DEFS}"
    INTERFACE_LINK_LIBRARIES "${ARG_LIBS}")
endfunction()

# Header-only, copied from the build machine's Debian packages.
harrier_win_lib(harrier_fmt_header_only INCLUDES ${D}/hdr/include DEFS FMT_HEADER_ONLY)
set(HARRIER_FMT harrier_fmt_header_only)
harrier_win_lib(nlohmann_json::nlohmann_json INCLUDES ${D}/hdr/include)
include_directories(SYSTEM ${D}/hdr/include)

set(harrier_win_system ws2_32 iphlpapi bcrypt crypt32 gdi32 advapi32 user32 shell32)
harrier_win_lib(OpenSSL::Crypto INCLUDES ${D}/include
  LIBS "${D}/lib/libcrypto.a;${harrier_win_system}")
harrier_win_lib(PkgConfig::YARA INCLUDES ${D}/include
  LIBS "${D}/lib/libyara.a;OpenSSL::Crypto;${harrier_win_system}")
harrier_win_lib(PkgConfig::RE2 INCLUDES ${D}/include LIBS "${D}/lib/libre2.a;Threads::Threads")
harrier_win_lib(PkgConfig::SQLITE3 INCLUDES ${D}/include LIBS "${D}/lib/libsqlite3.a")
harrier_win_lib(PkgConfig::LIBARCHIVE INCLUDES ${D}/include DEFS LIBARCHIVE_STATIC
  LIBS "${D}/lib/libarchive_static.a;/usr/x86_64-w64-mingw32/lib/libz.a;bcrypt")
set(HARRIER_PLATFORM_LIBS ${harrier_win_system})

foreach(feature OLE MSPACK IMAGES CURL)
  if(HARRIER_WITH_${feature})
    message(FATAL_ERROR "HARRIER_WITH_${feature}: its library is not built for Windows")
  endif()
endforeach()
