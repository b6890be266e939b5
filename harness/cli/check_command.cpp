// `sockgrade check [DIR]`: a student grades their own folder before handing in.
// The lab and the program come from .sockgrade.yaml when it says them, else
// from --lab and from the files, found and built exactly as `grade` does, in a
// scratch copy that is removed at the end. It never asks: when the lab cannot
// be told, it says which labs fit and how to choose, and exits 2.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "sandbox/sandbox.hpp"
#include "batch/files.hpp"
#include "batch/grade.hpp"
#include "batch/lab_guess.hpp"
#include "batch/record.hpp"
#include "batch/submission.hpp"
#include "cli/cli.hpp"
#include "cli/commands.hpp"
#include "report/report.hpp"
#include "runner/runner.hpp"

namespace sockgrade::cli {

namespace fs = std::filesystem;

void add_check_options(CLI::App& command, CheckArgs& args) {
    command.add_option("dir", args.dir,
                       "the student's folder (default: here); its .sockgrade.yaml, when there is one, says the lab "
                       "and how to build and run the program, else both are guessed from its files");
    command.add_option("--lab", args.lab,
                       "the lab (tcp-server, tcp-client, udp-server, udp-client, chat-server, chat-client, or a "
                       "scenario file), when .sockgrade.yaml does not say it and the guess cannot tell");
    command.add_option("--lang", args.lang, "feedback language: en or pt (default: from LANG)")
        ->check(CLI::IsMember({"en", "pt"}));
    command.add_flag("--teacher", args.teacher, "show the detail of hidden tests too");
    add_replay_options(command, args.seed, args.only, args.timeout_scale);
    add_picture_options(command, args.capture_dir, args.capture_all, args.diagram_dir);
    command.footer(
        "Without .sockgrade.yaml (or without its run line) the program is found and built as `sockgrade grade` "
        "does: Python 3 or 2, C and C++ (gcc/g++), Java (javac), a Makefile, or `build` and `run` files. It is "
        "built and run in a scratch copy, never in DIR.\n"
        "Exit status: 0 every check passed; 1 some check failed, or the program did not build; 2 the lab "
        "cannot be told, no program, or a grader error.");
}

namespace {

// A folder for the scratch copy, removed when `check` ends.
class ScratchFolder {
public:
    ScratchFolder() {
        const char* tmp = std::getenv("TMPDIR");
        auto pattern = (fs::path(tmp && *tmp ? tmp : "/tmp") / "sockgrade-check-XXXXXX").string();
        if (::mkdtemp(pattern.data())) {
            path_ = pattern;
            ::chmod(path_.c_str(), 0711);  // the program's user may pass through to its copy
        }
    }
    ~ScratchFolder() {
        if (path_.empty()) return;
        sandbox::unmount_scratch(path_ + "/program");  // its tmpfs, where there is one
        batch::remove_tree(path_);
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

struct LabChoice {
    std::string name;
    scenario::Text source;  // where it came from, for the student
};

bool same_lab(const std::string& a, const std::string& b) {
    return a == b || fs::path(a).stem() == fs::path(b).stem();
}

// Why this run line, in a few words: "the only Python file".
scenario::Text chosen_because(const batch::Plan& plan, const std::string& lab) {
    if (plan.how == ".sockgrade.yaml") return {"from .sockgrade.yaml", "do .sockgrade.yaml"};
    if (plan.how == "run file") return {"from the file 'run'", "do arquivo 'run'"};
    if (plan.how == "make") return {"built by its Makefile", "compilado pelo Makefile"};
    if (plan.how == "binary")
        return {fmt::format("{}: no source code, run as handed in", plan.chosen),
                fmt::format("{}: sem código-fonte, executado como foi entregue", plan.chosen)};
    std::string language = plan.how == "python3" || plan.how == "python2" ? "Python"
                           : plan.how == "c"                              ? "C"
                           : plan.how == "c++"                            ? "C++"
                                                                          : "Java";
    scenario::Text why = plan.programs <= 1
                             ? scenario::Text{fmt::format("the only {} file", language),
                                              fmt::format("o único arquivo {}", language)}
                             : scenario::Text{fmt::format("{}: the best fit for {} of {} programs", plan.chosen, lab,
                                                          plan.programs),
                                              fmt::format("{}: o que melhor combina com {} entre {} programas",
                                                          plan.chosen, lab, plan.programs)};
    if (plan.how == "python2") {
        why.en += ", Python 2 code";
        why.pt += ", código Python 2";
    }
    return why;
}

std::string indented(const std::string& text) {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        out += "    " + text.substr(start, end - start) + "\n";
        start = end + 1;
    }
    return out;
}

}  // namespace

int check_command(const CheckArgs& args) {
    const std::string lang = language_of(args.lang);
    auto say = [&](const scenario::Text& text) { return text.in(lang); };
    std::error_code ec;
    if (!fs::is_directory(args.dir, ec)) {
        print_error(lang, {args.dir + ": no such folder", args.dir + ": pasta inexistente"});
        return ExitStatus::error;
    }
    const auto dir = fs::absolute(args.dir).lexically_normal().string();

    std::optional<batch::SubmissionConfig> config;
    if (fs::exists(fs::path(dir) / ".sockgrade.yaml", ec)) {
        util::Text error;
        config = batch::load_submission_config(dir, error);
        if (!config) {
            print_error(lang, error);
            return ExitStatus::error;
        }
    }

    // The lab: .sockgrade.yaml, else --lab, else a guess that must be sure.
    LabChoice lab;
    if (config && !config->lab.empty()) {
        if (!args.lab.empty() && !same_lab(args.lab, config->lab)) {
            print_error(lang, {fmt::format("--lab {} but .sockgrade.yaml says lab: {}; say it in one place", args.lab,
                                           config->lab),
                               fmt::format("--lab {} mas o .sockgrade.yaml diz lab: {}; diga num lugar só", args.lab,
                                           config->lab)});
            return ExitStatus::error;
        }
        lab = {config->lab, {"from .sockgrade.yaml", "do .sockgrade.yaml"}};
    } else if (!args.lab.empty()) {
        lab = {args.lab, {"--lab", "--lab"}};
    } else {
        auto guess = batch::guess_lab(dir);
        if (!guess.sure()) {
            print_error(lang, guess.question());
            return ExitStatus::error;
        }
        lab = {guess.labs.front(),
               {fmt::format("guessed: {}; --lab says otherwise", guess.why.en),
                fmt::format("adivinhado: {}; --lab diz outro", guess.why.pt)}};
    }
    auto scenario = load_scenario(lab.name, lang);
    if (!scenario) return ExitStatus::error;
    if (auto error = unknown_test_error(*scenario, args.only); !error.en.empty()) {
        print_error(lang, error);
        return ExitStatus::error;
    }

    auto folders = prepare_picture_folders(args.capture_dir, args.diagram_dir, lang);
    if (!folders) return ExitStatus::error;

    std::cout << fmt::format("{} {} ({})\n", say({"lab:", "exercício:"}), scenario->name, say(lab.source));
    std::cout.flush();

    // Found and built as `grade` does, in a scratch copy: the student's folder is never written.
    ScratchFolder scratch;
    if (scratch.path().empty()) {
        std::cerr << "sockgrade: grader error: cannot make a scratch folder: " << std::strerror(errno) << "\n";
        return ExitStatus::error;
    }
    auto prepared =
        batch::prepare_submission(dir, (fs::path(scratch.path()) / "program").string(), batch::lab_of(*scenario), {});
    const auto& plan = prepared.plan;
    if (!plan.build.empty() && prepared.status != "bad-config" && prepared.status != "no-program")
        std::cout << fmt::format("{} {}\n", say({"building:", "compilando:"}), plan.build);
    for (const auto& note : prepared.notes) std::cout << fmt::format("{} {}\n", say({"note:", "observação:"}), note);

    if (!prepared.ready()) {
        // Not building, or not runnable here, is the program's failure; the rest is not.
        if (prepared.status == "build-failed" || prepared.status == "cannot-run") {
            std::cout << fmt::format("\n✘ {}\n  {}\n", say(batch::status_sentence(prepared.status)), say(prepared.problem));
            if (!prepared.build_log.empty()) std::cout << indented(prepared.build_log);
            std::cout << "\n"
                      << say(prepared.status == "build-failed"
                                 ? scenario::Text{"Hint: fix the first error above (the compiler says file:line where), "
                                                  "then run sockgrade check again.",
                                                  "Dica: corrija o primeiro erro acima (o compilador diz arquivo:linha "
                                                  "onde), e rode sockgrade check de novo."}
                                 : scenario::Text{"Hint: hand in the source code; it is built here.",
                                                  "Dica: entregue o código-fonte; ele é compilado aqui."})
                      << "\n";
            return ExitStatus::failed;
        }
        std::cerr << "sockgrade: " << (prepared.status == "error" ? say({"grader error: ", "erro do corretor: "}) : "")
                  << say(prepared.problem) << "\n";
        return ExitStatus::error;
    }
    std::cout << fmt::format("{} {} ({})\n", say({"running:", "executando:"}), plan.run,
                             say(chosen_because(plan, scenario->name)));
    std::cout.flush();

    runner::RunOptions options;
    options.capture_dir = folders->capture;
    options.capture_all = args.capture_all;
    options.command = batch::shell_command(plan.run);
    options.cwd = prepared.workdir;
    options.writable_cwd = true;  // its own scratch copy
    options.port = plan.port;
    options.env = plan.env;
    options.seed = args.seed;
    options.only = args.only;
    options.timeout_scale = args.timeout_scale;
    report::Options view;
    view.lang = lang;
    view.student_view = !args.teacher;
    view.colour = report::colour_wanted(STDOUT_FILENO);

    auto result = runner::run_scenario(*scenario, options);
    result.command = fmt::format("{} ({} {})", plan.run, say({"in a copy of", "numa cópia de"}), dir);
    drop_hidden_captures(result, view.student_view);
    if (!folders->diagram.empty())
        for (const auto& path : write_diagrams(result, folders->diagram, view.lang, view.student_view))
            result.errors.push_back(fmt::format("could not write {}", path));
    std::cout << "\n" << report::render(result, report::Format::text, view);
    if (!result.errors.empty()) {
        for (const auto& e : result.errors) print_error(lang, {"grader error: " + e, "erro do corretor: " + e});
        return ExitStatus::error;
    }
    return result.passed() ? ExitStatus::passed : ExitStatus::failed;
}

}  // namespace sockgrade::cli
