// A plagiarism hint: submissions whose source, once comments and whitespace
// are gone, is the same or nearly so. A hint for the teacher to look, never a
// verdict: short lab programs that follow the slides are alike by nature.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sockgrade::batch {

// Source without comments and without any whitespace. `language` is the
// file's extension (".py", ".c", ".java"...): # comments for Python, // and
// /* */ for the C family and Java. String literals are kept as they are.
std::string normalise_source(std::string_view source, std::string_view language);

// Python source with its comments dropped and every string literal emptied
// ('' or """"""), spaces kept: what is left is code, for a regex to read.
std::string python_code_only(std::string_view source);

// 0..1: how much of two normalised sources is shared (Jaccard index of their
// 5-character pieces). 1 for equal texts.
double similarity(std::string_view a, std::string_view b);

struct SimilarPair {
    std::string first;   // student names, first < second
    std::string second;
    double similarity = 0;  // 1 = identical once normalised
};

struct Fingerprint {
    std::string student;
    std::string normalised;
};

// Pairs at or above `threshold`, most similar first. Sources shorter than
// min_length are too small to say anything and are left out.
std::vector<SimilarPair> similar_pairs(const std::vector<Fingerprint>& sources, double threshold = 0.9,
                                       std::size_t min_length = 80);

}  // namespace sockgrade::batch
