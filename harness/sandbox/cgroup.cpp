#include "sandbox/cgroup.hpp"

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>

namespace sockgrade::sandbox {

namespace fs = std::filesystem;

namespace {

// Our own group of a v1 controller, from /proc/self/cgroup ("4:memory:/a/b").
std::string own_group(const std::string& controller) {
    std::ifstream groups("/proc/self/cgroup");
    std::string line;
    while (std::getline(groups, line)) {
        auto first = line.find(':');
        auto second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        auto controllers = line.substr(first + 1, second - first - 1);
        if (("," + controllers + ",").find("," + controller + ",") != std::string::npos)
            return line.substr(second + 1);
    }
    return {};
}

bool write_value(const fs::path& file, const std::string& value) {
    std::ofstream out(file);
    out << value;
    out.flush();
    return static_cast<bool>(out);
}

// Makes a fresh child group of ours under a v1 controller; empty on failure.
std::string make_group(const std::string& controller) {
    auto mine = own_group(controller);
    fs::path root = fs::path("/sys/fs/cgroup") / controller;
    if (mine.empty() || !fs::exists(root / "cgroup.procs")) return {};
    auto dir = root / fs::path(mine).relative_path() / fmt::format("sockgrade-{}", ::getpid());
    std::error_code ec;
    if (!fs::create_directory(dir, ec) || ec) return {};
    return dir.string();
}

std::int64_t read_number(const fs::path& file, const std::string& key = {}) {
    std::ifstream in(file);
    if (key.empty()) {
        std::int64_t value = 0;
        in >> value;
        return value;
    }
    std::string name;
    std::int64_t value = 0;
    while (in >> name >> value)
        if (name == key) return value;
    return 0;
}

}  // namespace

std::unique_ptr<Cgroup> Cgroup::create(int max_processes, std::int64_t max_memory_bytes, int cpu_shares) {
    std::unique_ptr<Cgroup> group(new Cgroup());
    if (max_processes > 0) {
        group->pids_dir_ = make_group("pids");
        if (!group->pids_dir_.empty() && write_value(fs::path(group->pids_dir_) / "pids.max", std::to_string(max_processes)))
            group->procs_files_.push_back((fs::path(group->pids_dir_) / "cgroup.procs").string());
    }
    if (max_memory_bytes > 0) {
        group->memory_dir_ = make_group("memory");
        auto dir = fs::path(group->memory_dir_);
        if (!group->memory_dir_.empty() && write_value(dir / "memory.limit_in_bytes", std::to_string(max_memory_bytes))) {
            // Without swap accounting this file is absent; the limit above still holds for RAM.
            write_value(dir / "memory.memsw.limit_in_bytes", std::to_string(max_memory_bytes));
            group->procs_files_.push_back((dir / "cgroup.procs").string());
        }
    }
    // A group under the CPU controller of its own: the scheduler shares CPU
    // between groups first, so a fork bomb's 128 processes weigh as much as
    // one program of the test beside it, not 128.
    group->cpu_dir_ = make_group("cpu");
    if (!group->cpu_dir_.empty()) {
        if (cpu_shares > 0) write_value(fs::path(group->cpu_dir_) / "cpu.shares", std::to_string(cpu_shares));
        group->procs_files_.push_back((fs::path(group->cpu_dir_) / "cgroup.procs").string());
    }
    if (group->procs_files_.empty()) return nullptr;
    return group;
}

Cgroup::~Cgroup() {
    // Called once every process is gone; a group can only be removed empty.
    std::error_code ec;
    for (const auto& dir : {pids_dir_, memory_dir_, cpu_dir_})
        if (!dir.empty()) fs::remove(dir, ec);
}

void Cgroup::remove_leftovers() {
    for (const char* controller : {"pids", "memory", "cpu"}) {
        auto mine = own_group(controller);
        if (mine.empty()) continue;
        auto parent = fs::path("/sys/fs/cgroup") / controller / fs::path(mine).relative_path();
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(parent, ec)) {
            auto name = entry.path().filename().string();
            if (!name.starts_with("sockgrade-")) continue;
            auto owner = name.substr(std::string("sockgrade-").size());
            if (fs::exists(fs::path("/proc") / owner)) continue;  // its worker is still at work
            std::error_code ignored;
            fs::remove(entry.path(), ignored);
        }
    }
}

bool Cgroup::process_limit_hit() const {
    return !pids_dir_.empty() && read_number(fs::path(pids_dir_) / "pids.events", "max") > 0;
}

bool Cgroup::memory_limit_hit() const {
    if (memory_dir_.empty()) return false;
    auto dir = fs::path(memory_dir_);
    return read_number(dir / "memory.oom_control", "oom_kill") > 0 || read_number(dir / "memory.failcnt") > 0;
}

}  // namespace sockgrade::sandbox
