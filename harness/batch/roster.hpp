// The class: which submissions a folder (or a .zip) holds, in a fixed order,
// and the slice of them one shard grades.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sockgrade::batch {

struct Student {
    std::string name;                // the folder's name, as UTF-8 (the gradebook's "student")
    std::string dir;                 // the folder that holds the submission
    std::vector<std::string> notes;  // said in the report, e.g. "unpacked from ana.zip"
};

struct Roster {
    std::vector<Student> students;      // sorted by name, byte by byte (the same everywhere)
    std::vector<std::string> problems;  // one clear line each: ignored files, refused zip entries, ...
    std::string error;                  // the class folder itself is unusable: nothing to grade
};

// Reads DIR (a folder of student folders, or a .zip of them). A .zip inside
// DIR is one student's submission, named after the file. Archives are
// unpacked under work_dir. A .zip whose only content is one folder of student
// folders (e.g. turma/ana, turma/bruno) is opened at that folder.
Roster read_roster(const std::string& path, const std::string& work_dir);

// "K/N" with 1 <= K <= N; nullopt when malformed.
std::optional<std::pair<int, int>> parse_shard(std::string_view text);

// The K-th of N slices (1-based): students i (0-based, in roster order) with i % N == K - 1.
std::vector<Student> take_shard(const std::vector<Student>& students, int k, int n);

// True for names a class folder holds by accident (macOS's __MACOSX and
// .DS_Store, Thumbs.db, hidden files): never a student.
bool is_clutter(std::string_view file_name);

}  // namespace sockgrade::batch
