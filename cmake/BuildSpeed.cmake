# How the tree is compiled fast on a 2-core machine (README, "Build and test times").
#
# Unity builds: CMake compiles each target's sources in batches, one translation unit per
# batch. Most of the cost of a file here is not its own code but the headers it shares
# with its neighbours (nlohmann/json, GoogleTest, ns-3, <functional>) and the templates
# they instantiate, which a batch parses and generates once. Measured on the CMS product
# logic: 9 files, 11.3 s one by one, 5.5 s as one batch. The sources stay one file per
# concern; CMSLAB_UNITY=OFF compiles them one by one (for checking that each file
# includes what it uses).
option(CMSLAB_UNITY "Compile each target's sources in batches (unity build)" ON)
set(CMSLAB_UNITY_BATCH 8 CACHE STRING "Sources per unity batch")
if(CMSLAB_UNITY)
  set(CMAKE_UNITY_BUILD ON)
  set(CMAKE_UNITY_BUILD_BATCH_SIZE ${CMSLAB_UNITY_BATCH})
  # g++ warns when a class uses a type of an anonymous namespace from a file other than
  # the one being compiled (meant for headers); in a batch every source is such a file,
  # and gtest fixtures in anonymous namespaces are the usual case.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-subobject-linkage)
  endif()
endif()

# Link with lld where it is installed: the test programs link ns-3 and the static
# libraries of the tree, and ld.bfd spends seconds on each.
option(CMSLAB_LLD "Link with lld when it is installed" ON)
if(CMSLAB_LLD)
  find_program(CMSLAB_LLD_PROGRAM ld.lld)
  if(CMSLAB_LLD_PROGRAM)
    add_link_options(-fuse-ld=lld)
  endif()
endif()
