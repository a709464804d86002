# Debian's ns-3 3.37 ships a broken package config (its exported targets name helper
# programs from the separate `ns3` package and link libgsl, which only libgsl-dev has),
# so find the headers and one library per module, and make one IMPORTED target each.
find_path(NS3_INCLUDE_DIR ns3/core-module.h REQUIRED)

set(NS3_MODULES core network internet csma bridge applications internet-apps
                traffic-control stats point-to-point)
foreach(module IN LISTS NS3_MODULES)
  find_library(NS3_${module}_LIBRARY NAMES ns3-${module} REQUIRED)
  add_library(ns3::${module} SHARED IMPORTED)
  set_target_properties(ns3::${module} PROPERTIES IMPORTED_LOCATION "${NS3_${module}_LIBRARY}")
endforeach()

# ns-3 registers its TypeIds when each library loads; Debian's gcc links --as-needed and
# would drop the modules whose symbols are only reached through the TypeId registry.
add_library(cmslab_ns3 INTERFACE)
foreach(module IN LISTS NS3_MODULES)
  target_link_libraries(cmslab_ns3 INTERFACE ns3::${module})
endforeach()
target_link_options(cmslab_ns3 INTERFACE "LINKER:--no-as-needed")

# The real-time emulation (sim/emulate) alone needs ns-3's FdNetDevice, which reads and
# writes a TAP descriptor; nothing else links it.
find_library(NS3_fd-net-device_LIBRARY NAMES ns3-fd-net-device REQUIRED)
add_library(ns3::fd-net-device SHARED IMPORTED)
set_target_properties(ns3::fd-net-device PROPERTIES
                      IMPORTED_LOCATION "${NS3_fd-net-device_LIBRARY}")
