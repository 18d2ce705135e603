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
# directory, where the loader finds it with no path given. From an installed
# package the destination is ${flyteplug_MODULE_DIR} relative to the install
# prefix (lib/flyteplug/modules), and a project that did not choose
# CMAKE_INSTALL_PREFIX gets the package's prefix as its default: a plain
# `cmake --install build` lands beside the shipped modules, while
# `--prefix P` or -DCMAKE_INSTALL_PREFIX=P redirect it to P's module
# directory. (A module directory outside the package prefix is used as an
# absolute destination.) Inside the flyteplug tree it is the project's module
# directory. Its RPATH is $ORIGIN-relative, pointing at the package's lib/.
#
# flyteplug_add_module_tests(<test target> MODULE <module target>
#                            SOURCES <test source>... [LINK_LIBRARIES <lib>...])
#
# A MODULE library cannot be linked into a test, so this builds an
# executable from the test sources AND the module's own sources (compiled a
# second time, with the module's include directories, definitions and
# options, including those added to the module target later), linked with
# the module's LINK_LIBRARIES, flyteplug::sdk and flyteplug::sdk_testing
# (FakeHost, ModuleUnderTest). The test can call the module's functions
# directly, or drive it through the ABI in-process with
# ModuleUnderTest::FromEntry(&flyteplug_module_entry_v1). Add the test
# framework through LINK_LIBRARIES (e.g. GTest::gtest_main) and register the
# executable with add_test or gtest_discover_tests.
set(_FLYTEPLUG_MODULE_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}")

function(flyteplug_add_module target)
  cmake_parse_arguments(ARG "INSTALL" "OUTPUT_DIRECTORY" "SOURCES;LINK_LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "flyteplug_add_module(${target}): SOURCES is required")
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE flyteplug::sdk ${ARG_LINK_LIBRARIES})
  # For flyteplug_add_module_tests.
  set_target_properties(${target} PROPERTIES FLYTEPLUG_MODULE ON
    FLYTEPLUG_MODULE_LINK_LIBRARIES "${ARG_LINK_LIBRARIES}")
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
    if(DEFINED flyteplug_PREFIX)
      file(RELATIVE_PATH _module_subdir "${flyteplug_PREFIX}"
           "${flyteplug_MODULE_DIR}")
      if(NOT _module_subdir MATCHES "^\\.\\./" AND
         NOT IS_ABSOLUTE "${_module_subdir}")
        set(_destination "${_module_subdir}")
        if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
          set(CMAKE_INSTALL_PREFIX "${flyteplug_PREFIX}" CACHE PATH
              "Install prefix (default: the flyteplug package's)" FORCE)
        endif()
      endif()
    endif()
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

function(flyteplug_add_module_tests target)
  cmake_parse_arguments(ARG "" "MODULE" "SOURCES;LINK_LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES OR NOT ARG_MODULE)
    message(FATAL_ERROR
      "flyteplug_add_module_tests(${target}): MODULE and SOURCES are required")
  endif()
  if(NOT TARGET ${ARG_MODULE})
    message(FATAL_ERROR "flyteplug_add_module_tests(${target}): "
                        "'${ARG_MODULE}' is not a target")
  endif()
  get_target_property(_is_module ${ARG_MODULE} FLYTEPLUG_MODULE)
  if(NOT _is_module)
    message(FATAL_ERROR "flyteplug_add_module_tests(${target}): "
                        "'${ARG_MODULE}' was not made by flyteplug_add_module")
  endif()
  get_target_property(_module_libs ${ARG_MODULE} FLYTEPLUG_MODULE_LINK_LIBRARIES)
  if(NOT _module_libs)
    set(_module_libs)
  endif()
  get_target_property(_module_sources ${ARG_MODULE} SOURCES)
  get_target_property(_module_dir ${ARG_MODULE} SOURCE_DIR)
  set(_sources)
  foreach(_source IN LISTS _module_sources)
    if(NOT IS_ABSOLUTE "${_source}")
      set(_source "${_module_dir}/${_source}")
    endif()
    list(APPEND _sources "${_source}")
  endforeach()
  add_executable(${target} ${ARG_SOURCES} ${_sources})
  set(_module "$<TARGET_PROPERTY:${ARG_MODULE},")
  target_include_directories(${target} PRIVATE
    "${_module}INCLUDE_DIRECTORIES>")
  target_compile_definitions(${target} PRIVATE
    "${_module}COMPILE_DEFINITIONS>")
  target_compile_options(${target} PRIVATE "${_module}COMPILE_OPTIONS>")
  target_link_libraries(${target} PRIVATE
    flyteplug::sdk flyteplug::sdk_testing ${_module_libs} ${ARG_LINK_LIBRARIES})
endfunction()
