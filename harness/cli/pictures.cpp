// The pictures of `run` and `check`: sequence diagrams written beside the
// report (--diagram DIR), and the checks on --capture DIR before tests run.
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "diagram/diagram.hpp"

namespace sockgrade::cli {

namespace fs = std::filesystem;

void add_picture_options(CLI::App& command, std::string& capture_dir, bool& capture_all, std::string& diagram_dir) {
    auto* capture = command.add_option(
        "--capture", capture_dir,
        "keep a packet capture (pcapng, opens in Wireshark) of every failing test in DIR; off by default");
    capture->type_name("DIR");
    command.add_flag("--capture-all", capture_all, "with --capture: keep the captures of passing tests too")->needs(capture);
    command.add_option("--diagram", diagram_dir, "write a sequence diagram (SVG) of every test to DIR")->type_name("DIR");
}

namespace {

// DIR made (if need be) and absolute, or nullopt with `error` set ("--capture DIR: ...").
std::optional<std::string> prepare_folder(const std::string& dir, const char* option, util::Text& error) {
    std::error_code ec;
    auto path = fs::absolute(dir, ec).lexically_normal();
    if (!ec) fs::create_directories(path, ec);
    if (ec || !fs::is_directory(path)) {
        const std::string why = ec ? ": " + ec.message() : "";
        error = {fmt::format("{} {}: cannot make that folder{}", option, dir, why),
                 fmt::format("{} {}: não foi possível criar essa pasta{}", option, dir, why)};
        return std::nullopt;
    }
    auto text = path.string();
    while (text.size() > 1 && text.back() == '/') text.pop_back();
    return text;
}

}  // namespace

std::optional<PictureFolders> prepare_picture_folders(const std::string& capture_dir, const std::string& diagram_dir,
                                                      const std::string& lang) {
    PictureFolders folders;
    util::Text error;
    if (!capture_dir.empty()) folders.capture = prepare_folder(capture_dir, "--capture", error).value_or("");
    if (error.empty() && !diagram_dir.empty()) folders.diagram = prepare_folder(diagram_dir, "--diagram", error).value_or("");
    if (!error.empty()) {
        print_error(lang, error);
        return std::nullopt;
    }
    return folders;
}

std::vector<std::string> write_diagrams(runner::ScenarioResult& result, const std::string& dir, const std::string& lang,
                                        bool student_view) {
    std::vector<std::string> failed;
    diagram::Options options;
    options.lang = lang;
    for (auto& test : result.tests) {
        if (test.hidden && student_view) continue;  // what a hidden test checks stays hidden
        auto path = (fs::path(dir) / (test.name + ".svg")).string();
        auto temporary = path + ".tmp";
        auto svg = diagram::render_svg(test, options);
        bool written = false;
        {
            std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
            out.write(svg.data(), static_cast<std::streamsize>(svg.size()));
            written = static_cast<bool>(out);
        }
        std::error_code ec;
        if (written) fs::rename(temporary, path, ec);
        if (!written || ec) {
            fs::remove(temporary, ec);
            failed.push_back(path);
            continue;
        }
        test.diagram = path;
    }
    return failed;
}

void drop_hidden_captures(runner::ScenarioResult& result, bool student_view) {
    if (!student_view) return;
    for (auto& test : result.tests) {
        if (!test.hidden || test.capture.empty()) continue;
        std::error_code ignored;
        fs::remove(test.capture, ignored);
        test.capture.clear();
    }
}

}  // namespace sockgrade::cli
