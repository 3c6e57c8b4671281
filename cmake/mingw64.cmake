# CMake toolchain file for the Windows x64 cross-build with Debian's
# mingw-w64 GCC (posix threads): make windows, scripts/build-windows-deps.sh.
# HARRIER_WIN_DEPS (cache variable or environment) is the prefix the
# dependencies were built into; libraries and headers are searched only there
# and in the mingw-w64 sysroot, never in the build machine's /usr.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_AR x86_64-w64-mingw32-ar CACHE FILEPATH "")
set(CMAKE_RANLIB x86_64-w64-mingw32-ranlib CACHE FILEPATH "")
if(NOT HARRIER_WIN_DEPS AND DEFINED ENV{HARRIER_WIN_DEPS})
  set(HARRIER_WIN_DEPS "$ENV{HARRIER_WIN_DEPS}")
endif()
set(HARRIER_WIN_DEPS "${HARRIER_WIN_DEPS}" CACHE PATH "Prefix of the cross-built Windows dependencies")
# try_compile projects see the same prefix.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES HARRIER_WIN_DEPS)
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32 ${HARRIER_WIN_DEPS})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
