// How to build and run a student's submission: from its `build`/`run` files,
// its .sockgrade.yaml, a --run given by the teacher, or, failing those, found
// by looking at its files (Python 3 or 2, C, C++, Java, a Makefile, a binary).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/text.hpp"

namespace sockgrade::batch {

enum class PlanStatus {
    ok,            // build (if any) then run
    no_program,    // nothing that looks like a program
    cannot_run,    // a program that cannot run here (a Windows .exe, another CPU's binary)
    build_failed,  // known to fail before building (a Python file that compiles in no Python)
    bad_config,    // .sockgrade.yaml is wrong
};

struct Plan {
    PlanStatus status = PlanStatus::ok;
    util::Text problem;    // the clear line for any status but ok, in English and Portuguese
    std::string detail;    // e.g. Python's syntax error, for the feedback
    std::string how;       // "run file", ".sockgrade.yaml", "--run", "python3", "python2", "c", "c++", "java", "make", "binary"
    std::string workdir;   // where build and run happen, relative to the submission ("" = its top)
    std::string build;     // a shell line; empty: nothing to build
    std::string run;       // a shell line; empty with make: the executable the build made (see below)
    std::map<std::string, std::string> env;  // added to the program's environment
    std::optional<int> port;
    std::vector<std::string> notes;    // said in the report: which file was chosen and why
    std::vector<std::string> sources;  // source files (relative to the submission) for the similarity check
    std::string chosen;    // the program file found (relative, UTF-8), when found by looking at the files
    int programs = 0;      // how many program files there were to choose from (0: not found by looking)
    bool run_built_executable() const { return how == "make" && run.empty(); }
};

struct Lab {
    std::string name;     // e.g. "chat-server"
    bool server = true;   // the program listens (server) or connects (client)
    std::string protocol = "tcp";
};

// What a Python file compiles as: 3, 2, or 0 (neither; error says why).
struct PythonVerdict {
    int version = 3;
    std::string error;
};
using PythonProbe = std::function<PythonVerdict(const std::string& file)>;

struct DetectOptions {
    std::string run;    // --run: overrides the run line
    std::string build;  // --build: overrides the build line
    PythonProbe python;  // unset: every Python file is taken as Python 3
    std::string python2_command = "python2";                 // how Python 2 is started here
    std::map<std::string, std::string> python2_env;           // e.g. PYENV_VERSION=2.7.18
};

// Looks at the submission in `dir` (it is not changed).
Plan detect(const std::string& dir, const Lab& lab, const DetectOptions& options);

// The program files detect() chooses among, at the shallowest depth that has
// any (relative paths), with their kinds: python, c, c++, java, binary.
struct ProgramFile {
    std::string file;
    std::string kind;
};
std::vector<ProgramFile> program_files(const std::string& dir);

// After `make`: the executable it made that best fits the lab (relative to
// workdir), or nullopt. `before` lists the files that were there before.
std::optional<std::string> pick_built_executable(const std::string& workdir, const std::vector<std::string>& before,
                                                 const Lab& lab);
// Regular files under dir (relative, sorted), for pick_built_executable.
std::vector<std::string> list_files(const std::string& dir);

// How well a file name fits the lab: "servidor.py" fits a server lab,
// "cliente.c" a client lab, "chat_server.py" the chat server best.
int name_fit(std::string_view file_name, const Lab& lab);

// A word for a shell line: 'it''s' quoting, bare when safe.
std::string shell_quote(std::string_view word);

// The gradebook's status word: "graded" for ok, "no-program", "cannot-run", ...
std::string status_word(PlanStatus status);

}  // namespace sockgrade::batch
