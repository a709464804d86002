# libFuzzer targets (fuzz/, README "Fuzzing"). They are built by the sanitizer build when
# it is compiled with clang (tools/setup sanitize), not by a build of their own: CI has
# time for two full builds of the tree, not three.
#
# The code the targets decode with is compiled with -fsanitize=fuzzer-no-link: coverage
# counters and comparison hooks that guide the fuzzer, without libFuzzer's main. The
# ordinary tests linking the same libraries get the ASan runtime's no-op hooks. Only the
# fuzz executables link libFuzzer (-fsanitize=fuzzer).
set(CMSLAB_FUZZ OFF)
if(CMSLAB_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  set(CMSLAB_FUZZ ON)
endif()

# Called at the top of a folder whose libraries take bytes from the network.
macro(cmslab_fuzz_instrument)
  if(CMSLAB_FUZZ)
    add_compile_options(-fsanitize=fuzzer-no-link)
  endif()
endmacro()
