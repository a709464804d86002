#include "tap_device.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <vector>

namespace cmslab::emulate {

namespace {

std::string Errno(const std::string& what) {
    return what + ": " + std::strerror(errno);
}

// Runs `body` with the calling thread inside /run/netns/<netns>, then returns the thread
// to the namespace it came from.
template <typename T>
Expected<T> InsideNamespace(const std::string& netns, const std::function<Expected<T>()>& body) {
    const int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (home < 0)
        return Error{Errno("open /proc/thread-self/ns/net")};
    const std::string path = "/run/netns/" + netns;
    const int target = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (target < 0) {
        const Error e{Errno("open " + path)};
        close(home);
        return e;
    }
    if (setns(target, CLONE_NEWNET) != 0) {
        const Error e{Errno("setns " + path)};
        close(target);
        close(home);
        return e;
    }
    close(target);
    Expected<T> result = body();
    const bool back = setns(home, CLONE_NEWNET) == 0;
    const int saved = errno;
    close(home);
    if (!back) {
        errno = saved;
        // The thread is stranded in the lab's namespace: nothing it does after this can
        // be trusted to happen where it should.
        return Error{Errno("setns back to the host's namespace")};
    }
    return result;
}

} // namespace

Expected<int> OpenTapIn(const std::string& netns, const std::string& ifname) {
    if (ifname.empty() || ifname.size() >= IFNAMSIZ)
        return Error{"TAP name '" + ifname + "' must have 1 to " + std::to_string(IFNAMSIZ - 1) +
                     " characters"};
    std::function<Expected<int>()> open_tap = [&ifname]() -> Expected<int> {
        const int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
        if (fd < 0)
            return Error{Errno("open /dev/net/tun")};
        ifreq request;
        std::memset(&request, 0, sizeof request);
        // Ethernet frames (the segment is CSMA), without the 4-byte packet information
        // header that FdNetDevice's Dix mode does not expect.
        request.ifr_flags = IFF_TAP | IFF_NO_PI;
        std::memcpy(request.ifr_name, ifname.c_str(), ifname.size());
        if (ioctl(fd, TUNSETIFF, &request) != 0) {
            const Error e{Errno("TUNSETIFF " + ifname)};
            close(fd);
            return e;
        }
        return fd;
    };
    auto fd = InsideNamespace(netns, open_tap);
    if (!fd)
        return Error{"namespace " + netns + ": " + fd.Message()};
    return fd;
}

namespace {

// Writes `value` to each /proc/sys/net file of `paths` as the namespace sees them (a
// file the kernel does not have is skipped: nothing to change there).
Expected<bool> WriteNetSysctlsIn(const std::string& netns, std::vector<std::string> paths,
                                 std::string value) {
    // /proc/sys/net is the namespace of the thread that opens it.
    std::function<Expected<bool>()> write_all = [&paths, &value]() -> Expected<bool> {
        for (const std::string& path : paths) {
            const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
            if (fd < 0) {
                if (errno == ENOENT)
                    continue;
                return Error{Errno("open " + path)};
            }
            const bool written =
                write(fd, value.data(), value.size()) == static_cast<ssize_t>(value.size());
            const int saved = errno;
            close(fd);
            if (!written) {
                errno = saved;
                return Error{Errno("write " + path)};
            }
        }
        return true;
    };
    auto done = InsideNamespace(netns, write_all);
    if (!done)
        return Error{"namespace " + netns + ": " + done.Message()};
    return done;
}

} // namespace

Expected<bool> DisableIpv6In(const std::string& netns) {
    return WriteNetSysctlsIn(netns,
                             {"/proc/sys/net/ipv6/conf/all/disable_ipv6",
                              "/proc/sys/net/ipv6/conf/default/disable_ipv6"},
                             "1\n");
}

Expected<bool> DisableTcpTimestampsIn(const std::string& netns) {
    return WriteNetSysctlsIn(netns, {"/proc/sys/net/ipv4/tcp_timestamps"}, "0\n");
}

} // namespace cmslab::emulate
