// The Slurm job array that `cmslab sweep --emit-jobs` writes, submitted to a real Slurm:
// a single-node cluster (Debian's slurm-wlm: munged, slurmctld and slurmd on this host,
// private configuration, state and ports) started by the test, `sbatch --wait`, then
// `cmslab sweep --merge`. Skipped when slurm-wlm is not installed or the test is not root
// (the daemons run as root here, as CI does). A few seconds with three variants.
#include "support/process.h"
#include "support/temp_dir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

namespace cmslab::sweep_slurm {
namespace {

namespace fs = std::filesystem;
using testkit::BackgroundProcess;
using testkit::ReadFile;
using testkit::RunProcess;

std::string Binary() {
    return std::string(CMSLAB_BINARY_DIR) + "/cmslab";
}

std::string HostName() {
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    std::string host = name;
    return host.substr(0, host.find('.'));
}

TEST(SweepSlurm, TheJobArrayRunsUnderARealSlurmAndMergesLikeTheBuiltInRunner) {
    for (const char* program : {"/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd"})
        if (!fs::exists(program))
            GTEST_SKIP() << program << " missing: install slurm-wlm (bash tools/setup packages)";
    if (!testkit::ProgramExists("sbatch"))
        GTEST_SKIP() << "sbatch missing: install slurm-wlm";
    if (::geteuid() != 0)
        GTEST_SKIP() << "the Slurm daemons of this test run as root";
    if (!fs::exists("/etc/munge/munge.key"))
        GTEST_SKIP() << "no /etc/munge/munge.key (slurm-wlm's munge makes it when installed)";

    testkit::TempDir tmp("sweep-slurm-real");
    for (const char* d : {"state", "spool", "log", "munge"})
        fs::create_directories(tmp.File(d));
    // Ports of our own, so that the test runs beside another Slurm (or itself, twice).
    const int base = 20000 + static_cast<int>(::getpid() % 20000) * 2;
    const std::string host = HostName();
    const std::string socket = tmp.File("munge/munge.socket");
    const std::string conf =
        tmp.Write("slurm.conf", "ClusterName=cmslabtest\n"
                                "SlurmctldHost=" +
                                    host +
                                    "(127.0.0.1)\n"
                                    "SlurmctldPort=" +
                                    std::to_string(base) +
                                    "\n"
                                    "SlurmdPort=" +
                                    std::to_string(base + 1) +
                                    "\n"
                                    "SlurmUser=root\nSlurmdUser=root\n"
                                    "AuthType=auth/munge\nAuthInfo=socket=" +
                                    socket +
                                    "\n"
                                    "StateSaveLocation=" +
                                    tmp.File("state") +
                                    "\n"
                                    "SlurmdSpoolDir=" +
                                    tmp.File("spool") +
                                    "\n"
                                    "SlurmctldPidFile=" +
                                    tmp.File("slurmctld.pid") +
                                    "\n"
                                    "SlurmdPidFile=" +
                                    tmp.File("slurmd.pid") +
                                    "\n"
                                    "SlurmctldLogFile=" +
                                    tmp.File("log/slurmctld.log") +
                                    "\n"
                                    "SlurmdLogFile=" +
                                    tmp.File("log/slurmd.log") +
                                    "\n"
                                    "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n"
                                    "JobAcctGatherType=jobacct_gather/none\n"
                                    "SelectType=select/cons_tres\nSelectTypeParameters=CR_Core\n"
                                    "ReturnToService=2\nMpiDefault=none\n"
                                    "NodeName=" +
                                    host +
                                    " NodeAddr=127.0.0.1 CPUs=2 RealMemory=500 State=UNKNOWN\n"
                                    "PartitionName=test Nodes=" +
                                    host + " Default=YES MaxTime=INFINITE State=UP\n");
    BackgroundProcess munged, slurmctld, slurmd;
    ASSERT_TRUE(
        munged.StartLoggingTo({"/usr/sbin/munged", "--foreground", "--force", "--socket", socket,
                               "--pid-file", tmp.File("munge/munged.pid"), "--log-file",
                               tmp.File("log/munged.log"), "--seed-file", tmp.File("munge/seed")},
                              tmp.File("log/munged.out")));
    for (int i = 0; i < 100 && !fs::exists(socket); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(fs::exists(socket)) << ReadFile(tmp.File("log/munged.out"));
    ASSERT_TRUE(slurmctld.StartLoggingTo({"/usr/sbin/slurmctld", "-D", "-i", "-f", conf},
                                         tmp.File("log/ctld.out")));
    ASSERT_TRUE(slurmd.StartLoggingTo({"/usr/sbin/slurmd", "-D", "-f", conf, "-N", host},
                                      tmp.File("log/d.out")));
    const std::string env = "SLURM_CONF=" + conf;
    bool idle = false;
    for (int i = 0; i < 60 && !idle; ++i) {
        const auto s =
            RunProcess({"env", env, "sinfo", "-h", "-o", "%T"}, std::chrono::seconds(10));
        idle = s.out.find("idle") != std::string::npos;
        if (!idle)
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    ASSERT_TRUE(idle) << ReadFile(tmp.File("log/slurmctld.log"))
                      << ReadFile(tmp.File("log/slurmd.log"));

    // Three variants of the reference, their job array, and the array's results merged.
    ASSERT_EQ(RunProcess({Binary(), "mutate",
                          std::string(CMSLAB_SOURCE_DIR) + "/scenarios/reference.json", "--out",
                          tmp.File("variants")},
                         std::chrono::seconds(60))
                  .exit_code,
              0);
    std::vector<std::string> three;
    for (const auto& e : fs::directory_iterator(tmp.File("variants")))
        if (e.path().extension() == ".json")
            three.push_back(e.path().filename().string());
    std::sort(three.begin(), three.end());
    ASSERT_GE(three.size(), 100u);
    fs::create_directories(tmp.File("three"));
    for (std::size_t i : {9u, 29u, 92u})
        fs::copy_file(tmp.File("variants/" + three[i]), tmp.File("three/" + three[i]));
    ASSERT_EQ(RunProcess({Binary(), "sweep", tmp.File("three"), "--out", tmp.File("slurm"),
                          "--emit-jobs", tmp.File("jobs.txt")})
                  .exit_code,
              0);
    const auto sbatch = RunProcess({"env", env, "sbatch", "--wait", tmp.File("jobs.txt.sbatch")},
                                   std::chrono::seconds(120));
    ASSERT_EQ(sbatch.exit_code, 0)
        << sbatch.out << sbatch.err << ReadFile(tmp.File("log/slurmctld.log"));
    EXPECT_NE(sbatch.out.find("Submitted batch job"), std::string::npos) << sbatch.out;
    const auto merge = RunProcess({Binary(), "sweep", "--merge", tmp.File("slurm")});
    ASSERT_EQ(merge.exit_code, 0) << merge.out << merge.err;
    ASSERT_EQ(
        RunProcess({Binary(), "sweep", tmp.File("three"), "-j", "2", "--out", tmp.File("builtin")},
                   std::chrono::seconds(60))
            .exit_code,
        0);
    for (const char* f : {"sweep.json", "sweep.csv", "sweep.html"})
        EXPECT_EQ(ReadFile(tmp.File("slurm/") + f), ReadFile(tmp.File("builtin/") + f)) << f;
}

} // namespace
} // namespace cmslab::sweep_slurm
