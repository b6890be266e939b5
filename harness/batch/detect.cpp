#include "batch/detect.hpp"
#include "batch/similarity.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>

#include <fmt/format.h>

#include "batch/files.hpp"
#include "batch/roster.hpp"
#include "batch/submission.hpp"

namespace sockgrade::batch {

namespace fs = std::filesystem;

std::string status_word(PlanStatus status) {
    switch (status) {
        case PlanStatus::ok: return "graded";
        case PlanStatus::no_program: return "no-program";
        case PlanStatus::cannot_run: return "cannot-run";
        case PlanStatus::build_failed: return "build-failed";
        case PlanStatus::bad_config: return "bad-config";
    }
    return "graded";
}

std::string shell_quote(std::string_view word) {
    bool safe = !word.empty();
    for (char c : word)
        safe &= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                c == '_' || c == '-' || c == '/' || c == '+' || c == '=' || c == ':' || c == ',';
    if (safe) return std::string(word);
    std::string out = "'";
    for (char c : word) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

std::string extension(const fs::path& path) { return lower(path.extension().string()); }

std::string read_head(const fs::path& path, std::size_t bytes) {
    std::ifstream in(path, std::ios::binary);
    std::string head(bytes, '\0');
    in.read(head.data(), static_cast<std::streamsize>(bytes));
    head.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount())));
    return head;
}

std::string read_text(const fs::path& path) { return read_file(path.string()).value_or(""); }

// The first non-empty line of a `build` or `run` file, trimmed.
std::string first_line(const fs::path& path) {
    auto text = read_text(path);
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        auto line = text.substr(start, end - start);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
        auto first = line.find_first_not_of(" \t");
        if (first != std::string::npos && line[first] != '#') return line.substr(first);
        start = end + 1;
    }
    return "";
}

// --- binaries ---------------------------------------------------------------

std::uint16_t this_machine() {
    static std::uint16_t machine = [] {
        auto head = read_head("/proc/self/exe", 20);
        return head.size() >= 20 ? static_cast<std::uint16_t>(static_cast<unsigned char>(head[18]) |
                                                                (static_cast<unsigned char>(head[19]) << 8))
                                 : std::uint16_t{0};
    }();
    return machine;
}

std::string machine_name(std::uint16_t machine) {
    switch (machine) {
        case 3: return "32-bit x86";
        case 40: return "32-bit ARM";
        case 62: return "x86-64";
        case 183: return "ARM64 (aarch64)";
        case 243: return "RISC-V";
        default: return fmt::format("machine type {}", machine);
    }
}

enum class BinaryKind { none, runnable_elf, foreign_elf, windows, macos };

BinaryKind binary_kind(const fs::path& path, std::string& what) {
    auto head = read_head(path, 20);
    if (head.size() >= 20 && head.compare(0, 4, "\x7f" "ELF") == 0) {
        auto machine = static_cast<std::uint16_t>(static_cast<unsigned char>(head[18]) |
                                                  (static_cast<unsigned char>(head[19]) << 8));
        what = machine_name(machine);
        return machine == this_machine() ? BinaryKind::runnable_elf : BinaryKind::foreign_elf;
    }
    if (head.size() >= 2 && head.compare(0, 2, "MZ") == 0) {
        what = "Windows";
        return BinaryKind::windows;
    }
    if (head.size() >= 4 && (head.compare(0, 4, "\xcf\xfa\xed\xfe") == 0 || head.compare(0, 4, "\xce\xfa\xed\xfe") == 0)) {
        what = "macOS";
        return BinaryKind::macos;
    }
    return BinaryKind::none;
}

// --- candidates -------------------------------------------------------------

struct Candidate {
    fs::path file;     // relative to the submission
    std::string kind;  // python, c, c++, java, binary
    int fit = 0;
};

const std::vector<std::string> kind_order = {"python", "c", "c++", "java", "binary"};

bool skipped_folder(const std::string& name) {
    return is_clutter(name) || name == "__pycache__" || name == "venv" || name == "node_modules" || name == "build" ||
           name == "out" || name == "bin" || name == "obj" || name == "target";
}

bool not_a_main_python(const std::string& name) {
    auto l = lower(name);
    return l == "__init__.py" || l == "setup.py" || l == "conftest.py" || l.starts_with("test_") ||
           l.ends_with("_test.py");
}

// Every candidate at the shallowest depth that has any (a submission nested
// in folders, e.g. ana/lab1/servidor.py, is found at ana/lab1).
std::vector<Candidate> find_candidates(const fs::path& root, const Lab& lab, std::vector<Candidate>& unrunnable,
                                       std::vector<util::Text>& unrunnable_why) {
    static const std::regex c_main(R"(\bmain\s*\()");
    static const std::regex java_main(R"(static\s+(public\s+)?void\s+main\s*\()");
    std::vector<Candidate> found;
    std::vector<fs::path> level{fs::path()};
    for (int depth = 0; depth < 4 && found.empty() && !level.empty(); ++depth) {
        std::vector<fs::path> next;
        for (const auto& folder : level) {
            std::error_code ec;
            std::vector<fs::directory_entry> entries;
            for (fs::directory_iterator it(root / folder, ec), end; !ec && it != end; it.increment(ec))
                entries.push_back(*it);
            std::sort(entries.begin(), entries.end());
            for (const auto& entry : entries) {
                auto name = entry.path().filename().string();
                auto relative = folder / name;
                auto status = entry.symlink_status(ec);
                if (fs::is_directory(status)) {
                    if (!skipped_folder(name)) next.push_back(relative);
                    continue;
                }
                if (!fs::is_regular_file(status) || is_clutter(name)) continue;
                auto ext = extension(entry.path());
                std::string kind;
                if (ext == ".py") {
                    if (!not_a_main_python(name)) kind = "python";
                } else if (ext == ".c") {
                    if (std::regex_search(read_text(entry.path()), c_main)) kind = "c";
                } else if (ext == ".cpp" || ext == ".cc" || ext == ".cxx") {
                    if (std::regex_search(read_text(entry.path()), c_main)) kind = "c++";
                } else if (ext == ".java") {
                    if (std::regex_search(read_text(entry.path()), java_main)) kind = "java";
                } else {
                    std::string what;
                    auto binary = binary_kind(entry.path(), what);
                    if (binary == BinaryKind::runnable_elf) {
                        kind = "binary";
                    } else if (binary != BinaryKind::none) {
                        unrunnable.push_back({relative, "binary", name_fit(name, lab)});
                        const auto file = to_utf8(relative.generic_string());
                        const auto machine = machine_name(this_machine());
                        unrunnable_why.push_back(
                            binary == BinaryKind::windows
                                ? util::Text{fmt::format("'{}' is a Windows program: it cannot run here (Linux); hand in "
                                                         "the source code", file),
                                             fmt::format("'{}' é um programa para Windows: não roda aqui (Linux); entregue "
                                                         "o código-fonte", file)}
                            : binary == BinaryKind::macos
                                ? util::Text{fmt::format("'{}' is a macOS program: it cannot run here (Linux); hand in "
                                                         "the source code", file),
                                             fmt::format("'{}' é um programa para macOS: não roda aqui (Linux); entregue "
                                                         "o código-fonte", file)}
                                : util::Text{fmt::format("'{}' is a program built for {}: it cannot run here ({}); hand "
                                                         "in the source code", file, what, machine),
                                             fmt::format("'{}' é um programa compilado para {}: não roda aqui ({}); "
                                                         "entregue o código-fonte", file, what, machine)});
                    }
                }
                if (!kind.empty()) found.push_back({relative, kind, name_fit(name, lab)});
            }
        }
        level = std::move(next);
    }
    return found;
}

// The candidates' names, in name order.
std::string file_list(const std::vector<Candidate>& candidates) {
    std::vector<std::string> names;
    for (const auto& c : candidates) names.push_back(to_utf8(c.file.generic_string()));
    std::sort(names.begin(), names.end());
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
    return text;
}

// Source files of one kind in a folder (relative to the submission), sorted.
std::vector<std::string> sources_in(const fs::path& root, const fs::path& folder, const std::vector<std::string>& extensions) {
    std::vector<std::string> files;
    std::error_code ec;
    for (fs::directory_iterator it(root / folder, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        auto ext = extension(it->path());
        if (std::find(extensions.begin(), extensions.end(), ext) != extensions.end())
            files.push_back((folder / it->path().filename()).generic_string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<std::string> all_sources(const fs::path& root, const fs::path& folder) {
    return sources_in(root, folder, {".py", ".c", ".h", ".cpp", ".cc", ".cxx", ".hpp", ".java"});
}

std::string program_name_for(const fs::path& root, const fs::path& folder, const std::string& stem) {
    std::error_code ec;
    auto name = stem.empty() ? std::string("program") : stem;
    if (fs::exists(root / folder / name, ec) && fs::is_directory(root / folder / name, ec)) name += "-program";
    return name;
}

}  // namespace

int name_fit(std::string_view file_name, const Lab& lab) {
    auto name = lower(file_name);
    bool says_server = contains(name, "serv") || contains(name, "srv");
    bool says_client = contains(name, "cli");
    int fit = 0;
    if (lab.server) fit += (says_server ? 4 : 0) - (says_client ? 4 : 0);
    else fit += (says_client ? 4 : 0) - (says_server ? 4 : 0);
    bool chat_lab = contains(lab.name, "chat");
    if (contains(name, "chat")) fit += chat_lab ? 2 : -1;
    std::string other = lab.protocol == "tcp" ? "udp" : "tcp";
    if (contains(name, lab.protocol)) fit += 1;
    if (contains(name, other)) fit -= 2;
    return fit;
}

std::vector<ProgramFile> program_files(const std::string& dir) {
    std::vector<Candidate> unrunnable;
    std::vector<util::Text> unrunnable_why;
    std::vector<ProgramFile> files;
    for (const auto& candidate : find_candidates(dir, Lab{}, unrunnable, unrunnable_why))
        files.push_back({candidate.file.generic_string(), candidate.kind});
    return files;
}

std::vector<std::string> list_files(const std::string& dir) {
    std::vector<std::string> files;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file(ec)) files.push_back(it->path().lexically_relative(dir).generic_string());
    std::sort(files.begin(), files.end());
    return files;
}

std::optional<std::string> pick_built_executable(const std::string& workdir, const std::vector<std::string>& before,
                                                 const Lab& lab) {
    std::vector<Candidate> made;
    for (const auto& file : list_files(workdir)) {
        if (std::binary_search(before.begin(), before.end(), file)) continue;
        std::string what;
        if (binary_kind(fs::path(workdir) / file, what) == BinaryKind::runnable_elf && !file.ends_with(".o") &&
            !file.ends_with(".so"))
            made.push_back({file, "binary", name_fit(fs::path(file).filename().string(), lab)});
    }
    if (made.empty()) return std::nullopt;
    std::stable_sort(made.begin(), made.end(), [](const Candidate& a, const Candidate& b) { return a.fit > b.fit; });
    return made.front().file.generic_string();
}

namespace {

// A server that takes its port as its first command-line argument (the lab
// allows it): sys.argv[1] in Python, argv[1] in C and C++, args[0] in Java,
// read in its code (comments and strings say nothing).
bool reads_port_from_argv(const std::string& source, const std::string& kind) {
    static const std::regex python_argv(R"(\bsys\s*\.\s*argv\s*\[\s*1\s*\])");
    static const std::regex c_argv(R"(\bargv\s*\[\s*1\s*\])");
    static const std::regex java_args(R"(\bargs\s*\[\s*0\s*\])");
    if (kind == "python") return std::regex_search(python_code_only(source), python_argv);
    auto code = normalise_source(source, kind == "java" ? ".java" : ".c");
    return std::regex_search(code, kind == "java" ? java_args : c_argv);
}

}  // namespace

Plan detect(const std::string& dir, const Lab& lab, const DetectOptions& options) {
    Plan plan;
    fs::path root = dir;
    std::error_code ec;

    // 1. What the student (or the teacher) said.
    auto build_file = root / "build";
    auto run_file = root / "run";
    bool has_run_file = fs::is_regular_file(run_file, ec);
    bool has_build_file = fs::is_regular_file(build_file, ec);
    std::optional<SubmissionConfig> config;
    if (fs::is_regular_file(root / ".sockgrade.yaml", ec)) {
        util::Text error;
        config = load_submission_config(dir, error);
        if (!config) {
            if (options.run.empty() && !has_run_file) {
                plan.status = PlanStatus::bad_config;
                // The message starts with the scratch copy's path: show the file's own name.
                auto from_file_name = [](const std::string& text) {
                    auto at = text.find(".sockgrade.yaml");
                    return text.substr(at == std::string::npos ? 0 : at);
                };
                plan.problem = {from_file_name(error.en), error.pt.empty() ? "" : from_file_name(error.pt)};
                return plan;
            }
            plan.notes.push_back(".sockgrade.yaml is not valid and was not used");
        } else {
            plan.port = config->port;
            if (!config->lab.empty() && config->lab != lab.name && fs::path(config->lab).stem() != lab.name)
                plan.notes.push_back(fmt::format(".sockgrade.yaml says lab '{}'; graded as '{}'", config->lab, lab.name));
        }
    }
    // A .sockgrade.yaml without `run` (only the lab, say) leaves the program to be found below.
    bool config_runs = config && !config->run.empty();
    if (!options.run.empty() || has_run_file || config_runs) {
        if (config_runs) {
            plan.how = ".sockgrade.yaml";
            plan.run = config->run;
            plan.build = config->build;
        }
        if (has_run_file) {
            plan.how = "run file";
            plan.run = first_line(run_file);
            plan.build = has_build_file ? first_line(build_file) : plan.build;
        }
        if (!options.run.empty()) {
            plan.how = "--run";
            plan.run = options.run;
        }
        if (!options.build.empty()) plan.build = options.build;
        if (plan.run.empty()) {
            plan.status = PlanStatus::bad_config;
            plan.problem = {"the 'run' file is empty: it must hold the shell line that starts the program",
                            "o arquivo 'run' está vazio: ele deve ter a linha de comando que inicia o programa"};
            return plan;
        }
        plan.sources = all_sources(root, "");
        return plan;
    }
    if (has_build_file) plan.notes.push_back("a 'build' file without a 'run' file was ignored");
    if (config && !config->build.empty())
        plan.notes.push_back("'build' in .sockgrade.yaml without 'run' was ignored");

    // 2. A Makefile, when there is C or C++ to build.
    std::vector<Candidate> unrunnable;
    std::vector<util::Text> unrunnable_why;
    auto candidates = find_candidates(root, lab, unrunnable, unrunnable_why);
    bool c_family = std::any_of(candidates.begin(), candidates.end(),
                                [](const Candidate& c) { return c.kind == "c" || c.kind == "c++"; });
    for (const char* makefile : {"Makefile", "makefile", "GNUmakefile"}) {
        if (!fs::is_regular_file(root / makefile, ec)) continue;
        if (!c_family && !candidates.empty()) break;
        plan.how = "make";
        plan.build = options.build.empty() ? "make" : options.build;
        plan.notes.push_back(fmt::format("built with its {} (make)", makefile));
        plan.sources = all_sources(root, "");
        return plan;
    }

    // 3. The program that best fits the lab.
    if (candidates.empty()) {
        if (!unrunnable.empty()) {
            plan.status = PlanStatus::cannot_run;
            plan.problem = unrunnable_why.front();
            return plan;
        }
        plan.status = PlanStatus::no_program;
        plan.problem = {
            "no program found: expected a build and a run file, a .sockgrade.yaml, or a Python (.py), C (.c), C++ "
            "(.cpp) or Java (.java) source with a main, or a Makefile",
            "nenhum programa encontrado: esperava arquivos build e run, um .sockgrade.yaml, ou um código-fonte Python "
            "(.py), C (.c), C++ (.cpp) ou Java (.java) com main, ou um Makefile"};
        return plan;
    }
    std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        if (a.fit != b.fit) return a.fit > b.fit;
        auto rank = [](const std::string& kind) {
            return std::find(kind_order.begin(), kind_order.end(), kind) - kind_order.begin();
        };
        if (rank(a.kind) != rank(b.kind)) return rank(a.kind) < rank(b.kind);
        return a.file < b.file;
    });
    const auto chosen = candidates.front();
    auto chosen_name = to_utf8(chosen.file.generic_string());
    plan.chosen = chosen_name;
    plan.programs = static_cast<int>(candidates.size());
    if (candidates.size() > 1)
        plan.notes.push_back(fmt::format("several programs ({}); chose {} as the best fit for {}", file_list(candidates),
                                         chosen_name, lab.name));
    auto folder = chosen.file.parent_path();
    plan.workdir = folder.generic_string();
    if (!plan.workdir.empty()) plan.notes.push_back(fmt::format("found in the folder '{}'", to_utf8(plan.workdir)));
    auto file = chosen.file.filename().string();
    auto stem = chosen.file.stem().string();

    if (chosen.kind == "python") {
        plan.sources = {chosen.file.generic_string()};
        PythonVerdict verdict;
        if (options.python) verdict = options.python((root / chosen.file).string());
        if (verdict.version == 2) {
            plan.how = "python2";
            plan.run = options.python2_command + " " + shell_quote(file);
            plan.env = options.python2_env;
            plan.notes.push_back(fmt::format("{} is Python 2 code: run with Python 2", chosen_name));
        } else if (verdict.version == 3) {
            plan.how = "python3";
            plan.run = "python3 " + shell_quote(file);
        } else {
            plan.how = "python3";
            plan.status = PlanStatus::build_failed;
            plan.problem = {fmt::format("{} does not compile (a syntax error)", chosen_name),
                            fmt::format("{} não compila (um erro de sintaxe)", chosen_name)};
            plan.detail = verdict.error;
        }
    } else if (chosen.kind == "c" || chosen.kind == "c++") {
        bool cpp = chosen.kind == "c++";
        auto exts = cpp ? std::vector<std::string>{".cpp", ".cc", ".cxx"} : std::vector<std::string>{".c"};
        std::string files = shell_quote(file);
        static const std::regex has_main(R"(\bmain\s*\()");
        plan.sources = {chosen.file.generic_string()};
        for (const auto& other : sources_in(root, folder, exts)) {
            if (other == chosen.file.generic_string()) continue;
            if (std::regex_search(read_text(root / other), has_main)) continue;  // another program
            files += " " + shell_quote(fs::path(other).filename().string());
            plan.sources.push_back(other);
        }
        auto program = program_name_for(root, folder, stem);
        plan.how = chosen.kind;
        plan.build = options.build.empty()
                         ? fmt::format("{} -O2 -pthread -o {} {}{}", cpp ? "g++ -std=gnu++20" : "gcc -std=gnu17",
                                       shell_quote(program), files, cpp ? "" : " -lm")
                         : options.build;
        plan.run = "./" + shell_quote(program);
    } else if (chosen.kind == "java") {
        static const std::regex package_line(R"((^|\n)\s*package\s+([A-Za-z_][\w.]*)\s*;)");
        std::smatch match;
        auto source = read_text(root / chosen.file);
        std::string class_name = stem;
        if (std::regex_search(source, match, package_line)) class_name = match[2].str() + "." + stem;
        plan.how = "java";
        plan.sources = sources_in(root, folder, {".java"});
        plan.build = options.build.empty()
                         ? fmt::format("javac -encoding UTF-8 -sourcepath . -d . {}", shell_quote(file))
                         : options.build;
        // A small heap and one GC thread: a JVM must fit the program's limits, beside others.
        plan.run = fmt::format("java -Xmx256m -Xss1m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp . {}",
                               shell_quote(class_name));
    } else {
        plan.how = "binary";
        plan.build = options.build.empty() ? "chmod u+x " + shell_quote(file) : options.build;
        plan.run = "./" + shell_quote(file);
        plan.notes.push_back(fmt::format("no source code: the program {} was run as handed in", chosen_name));
    }
    if (lab.server && chosen.kind != "binary" && plan.status == PlanStatus::ok &&
        reads_port_from_argv(read_text(root / chosen.file), chosen.kind)) {
        plan.run += " {port}";
        plan.notes.push_back(fmt::format("{} reads its port from the command line: run with the port as its argument",
                                         chosen_name));
    }
    return plan;
}

}  // namespace sockgrade::batch
