#include "batch/submission.hpp"

#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace sockgrade::batch {

namespace fs = std::filesystem;

std::vector<std::string> shell_command(const std::string& line) { return {"/bin/sh", "-c", line}; }

std::optional<SubmissionConfig> load_submission_config(const std::string& dir, util::Text& error) {
    auto path = (fs::path(dir) / ".sockgrade.yaml").string();
    if (!fs::exists(path)) {
        constexpr const char* example = "  lab: chat-server\n  run: python3 servidor.py";
        error = {fmt::format("{}: no such file (it says which lab this is and how to run it, e.g.\n{})", path, example),
                 fmt::format("{}: arquivo não encontrado (ele diz qual é o laboratório e como rodar o programa, "
                             "por exemplo:\n{})",
                             path, example)};
        return std::nullopt;
    }
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::Exception& e) {
        // yaml-cpp's words are English only; the place is what helps most.
        error = {fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg), {}};
        return std::nullopt;
    }
    auto where = [&](const YAML::Node& node) {
        return fmt::format("{}:{}:{}", path, node.Mark().line + 1, node.Mark().column + 1);
    };
    if (!root.IsMap()) {
        error = {fmt::format("{}: expected a map, e.g. lab: chat-server and run: python3 servidor.py", where(root)),
                 fmt::format("{}: esperava um mapa, p.ex. lab: chat-server e run: python3 servidor.py", where(root))};
        return std::nullopt;
    }
    static const std::set<std::string> known = {"lab", "build", "run", "port", "expect"};
    SubmissionConfig config;
    config.dir = fs::absolute(dir).lexically_normal().string();
    for (const auto& entry : root) {
        auto key = entry.first.as<std::string>();
        if (!known.contains(key)) {
            error = {fmt::format("{}: unknown key '{}' (expected lab, build, run, port, expect)", where(entry.first), key),
                     fmt::format("{}: chave desconhecida '{}' (as chaves válidas são lab, build, run, port, expect)",
                                 where(entry.first), key)};
            return std::nullopt;
        }
        if (!entry.second.IsScalar()) {
            error = {fmt::format("{}: '{}' must be a single value", where(entry.second), key),
                     fmt::format("{}: '{}' deve ser um único valor", where(entry.second), key)};
            return std::nullopt;
        }
        auto value = entry.second.as<std::string>();
        if (key == "lab") config.lab = value;
        else if (key == "build") config.build = value;
        else if (key == "run") config.run = value;
        else if (key == "expect") config.expect = value;
        else if (key == "port") {
            try {
                config.port = entry.second.as<int>();
            } catch (const YAML::Exception&) {
                error = {fmt::format("{}: 'port' must be a number, got '{}'", where(entry.second), value),
                         fmt::format("{}: 'port' deve ser um número, mas é '{}'", where(entry.second), value)};
                return std::nullopt;
            }
        }
    }
    return config;
}

}  // namespace sockgrade::batch
