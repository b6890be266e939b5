// Language and colour choices read from the environment.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "env_guard.hpp"
#include "report/report.hpp"

namespace sockgrade::report {
namespace {

using testing::EnvGuard;

TEST(LangFromEnv, FollowsPosixPrecedence) {
    EnvGuard env;
    env.unset("LC_ALL");
    env.unset("LC_MESSAGES");
    env.unset("LANG");
    EXPECT_EQ(lang_from_env(), "en");
    env.set("LANG", "pt_BR.UTF-8");
    EXPECT_EQ(lang_from_env(), "pt");
    env.set("LC_MESSAGES", "en_US.UTF-8");
    EXPECT_EQ(lang_from_env(), "en");
    env.set("LC_ALL", "pt_PT.UTF-8");
    EXPECT_EQ(lang_from_env(), "pt");
    env.set("LC_ALL", "C.UTF-8");
    EXPECT_EQ(lang_from_env(), "en");
    env.set("LC_ALL", "");  // empty counts as unset
    EXPECT_EQ(lang_from_env(), "en");
    env.set("LC_MESSAGES", "pt");
    EXPECT_EQ(lang_from_env(), "pt");
}

class Pty {
public:
    Pty() {
        master_ = ::posix_openpt(O_RDWR | O_NOCTTY);
        if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0) return;
        const char* name = ::ptsname(master_);
        if (name) slave_ = ::open(name, O_RDWR | O_NOCTTY);
    }
    ~Pty() {
        if (slave_ >= 0) ::close(slave_);
        if (master_ >= 0) ::close(master_);
    }
    int terminal() const { return slave_; }

private:
    int master_ = -1;
    int slave_ = -1;
};

TEST(ColourWanted, OnlyOnATerminalThatWantsIt) {
    EnvGuard env;
    env.unset("NO_COLOR");
    env.set("TERM", "xterm-256color");

    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    EXPECT_FALSE(colour_wanted(pipe_fds[1]));
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);

    Pty pty;
    if (pty.terminal() < 0) GTEST_SKIP() << "no pseudo-terminal available";
    EXPECT_TRUE(colour_wanted(pty.terminal()));
    env.set("NO_COLOR", "");  // empty: still colour
    EXPECT_TRUE(colour_wanted(pty.terminal()));
    env.set("NO_COLOR", "1");
    EXPECT_FALSE(colour_wanted(pty.terminal()));
    env.unset("NO_COLOR");
    env.set("TERM", "dumb");
    EXPECT_FALSE(colour_wanted(pty.terminal()));
}

}  // namespace
}  // namespace sockgrade::report
