# flyteplug_add_module(<target> SOURCES <src>... [LINK_LIBRARIES <lib>...]
#                      [OUTPUT_DIRECTORY <dir>] [INSTALL])
#
# Builds a flyteplug plugin module the way the ABI requires (docs/design.md, ABI
# rules): a MODULE library compiled with hidden visibility, linked with a
# version script that exports only `flyteplug_module_entry_v1`, with
# `-Wl,-z,defs` (no undefined symbols left for the host to satisfy) and
# `--exclude-libs,ALL` (static dependencies stay private). Links the C++ SDK,
# which brings the module's own private copy of the ABI's messages
# (flyteplug::abi_proto, lite runtime) and the system libprotobuf; never
# libflyteplug_proto. Used for the shipped modules and for third-party ones
# alike.
#
# INSTALL adds an install rule putting the module in the package's module
# directory, where the loader finds it with no path given: the absolute
# ${flyteplug_MODULE_DIR} when used from an installed package, the project's
# module directory (relative to the install prefix) inside the flyteplug
# tree. Its RPATH is $ORIGIN-relative, pointing at the package's lib/.
set(_FLYTEPLUG_MODULE_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}")

function(flyteplug_add_module target)
  cmake_parse_arguments(ARG "INSTALL" "OUTPUT_DIRECTORY" "SOURCES;LINK_LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "flyteplug_add_module(${target}): SOURCES is required")
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE flyteplug::sdk ${ARG_LINK_LIBRARIES})
  set(_map "${_FLYTEPLUG_MODULE_CMAKE_DIR}/flyteplug_module.map")
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS "${_map}")
  # GCC marks some template statics and inline variables STB_GNU_UNIQUE,
  # which shares them between modules and makes a module impossible to
  # unload; -fno-gnu-unique turns that off. Clang never emits such symbols
  # and rejects the flag, hence the check.
  include(CheckCXXCompilerFlag)
  check_cxx_compiler_flag(-fno-gnu-unique FLYTEPLUG_CXX_HAS_FNO_GNU_UNIQUE)
  if(FLYTEPLUG_CXX_HAS_FNO_GNU_UNIQUE)
    target_compile_options(${target} PRIVATE -fno-gnu-unique)
  endif()
  target_link_options(${target} PRIVATE
    "LINKER:--version-script=${_map}"
    "LINKER:--exclude-libs,ALL"
    "LINKER:--as-needed")
  # FLYTEPLUG_LINK_NO_UNDEFINED=OFF (the project's `fuzz` preset) drops
  # -z defs for clang's sanitizer runtimes, which live in the executable.
  if(NOT DEFINED FLYTEPLUG_LINK_NO_UNDEFINED OR FLYTEPLUG_LINK_NO_UNDEFINED)
    target_link_options(${target} PRIVATE "LINKER:-z,defs")
  endif()
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES
      LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  endif()
  if(ARG_INSTALL)
    _flyteplug_install_module(${target})
  endif()
endfunction()

# Installs `target` into the module directory with an $ORIGIN-relative RPATH
# to the library directory (see INSTALL above).
function(_flyteplug_install_module target)
  if(DEFINED FLYTEPLUG_MODULE_SUBDIR)  # inside the flyteplug tree
    set(_destination "${FLYTEPLUG_MODULE_SUBDIR}")
    file(RELATIVE_PATH _to_lib "/${FLYTEPLUG_MODULE_SUBDIR}"
         "/${CMAKE_INSTALL_LIBDIR}")
  elseif(DEFINED flyteplug_MODULE_DIR)  # from the installed package
    set(_destination "${flyteplug_MODULE_DIR}")
    # This file lives in <prefix>/<libdir>/cmake/flyteplug.
    get_filename_component(_lib_dir "${_FLYTEPLUG_MODULE_CMAKE_DIR}/../.."
                           ABSOLUTE)
    file(RELATIVE_PATH _to_lib "${flyteplug_MODULE_DIR}" "${_lib_dir}")
  else()
    message(FATAL_ERROR "flyteplug_add_module(${target} INSTALL): no module "
                        "directory (use find_package(flyteplug))")
  endif()
  string(REGEX REPLACE "/$" "" _to_lib "${_to_lib}")
  set_target_properties(${target} PROPERTIES
    INSTALL_RPATH "$ORIGIN/${_to_lib}")
  install(TARGETS ${target} LIBRARY DESTINATION "${_destination}")
endfunction()
