// What the environment says about the reader: terminal colours, language, Classroom 50.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>

#include <fmt/format.h>

#include "report/report.hpp"

namespace sockgrade::report {

namespace {

std::string env_or_empty(const char* name) {
    const char* value = std::getenv(name);
    return value ? std::string(value) : std::string();
}

}  // namespace

bool colour_wanted(int fd) {
    // https://no-color.org: a set, non-empty NO_COLOR turns colours off.
    if (!env_or_empty("NO_COLOR").empty()) return false;
    if (env_or_empty("TERM") == "dumb") return false;
    return ::isatty(fd) == 1;
}

std::string lang_from_env() {
    // POSIX precedence: LC_ALL overrides LC_MESSAGES, which overrides LANG.
    for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
        const std::string value = env_or_empty(name);
        if (!value.empty()) return value.rfind("pt", 0) == 0 ? "pt" : "en";
    }
    return "en";
}

ClassroomContext classroom_context_from_env() {
    ClassroomContext context;
    context.classroom = env_or_empty("CLASSROOM");
    context.assignment = env_or_empty("ASSIGNMENT");
    context.submission = env_or_empty("SUBMISSION_TAG");
    context.commit = env_or_empty("COMMIT_URL");
    context.release = env_or_empty("RELEASE_URL");
    context.review = env_or_empty("REVIEW_URL");
    if (context.review.empty()) context.review = context.commit;  // as Classroom 50's templates do

    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    context.datetime = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900,
                                   utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
    return context;
}

}  // namespace sockgrade::report
