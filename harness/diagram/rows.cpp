// From a transcript to the rows of a sequence diagram: which lane sends to
// which, what collapses into one row, where the failure goes.
#include <algorithm>
#include <map>
#include <tuple>

#include "diagram/rows.hpp"

namespace sockgrade::diagram::detail {

namespace {

using util::Mark;
using Kind = Row::Kind;

// A silence this long between two rows is drawn as such.
constexpr double gap_seconds = 0.5;
// A message forwarded to several peers within this time is one row.
constexpr double fan_out_seconds = 0.25;
// An arrow repeated this often among at most three kinds of arrow (a sender,
// a receiver, and the program's log on its terminal) is a burst.
constexpr int burst_repeats = 4;
constexpr std::size_t burst_kinds = 3;

bool is_stdio(const std::string& party) { return party == "stdout" || party == "stderr" || party == "stdin"; }

bool is_data(const Row& row) {
    return row.kind == Kind::message &&
           (row.style == Style::data || row.style == Style::stderr_data || row.style == Style::stdin_data);
}

// Arrows that are the same arrow: same ends, same style.
using Key = std::tuple<int, std::vector<int>, Style>;
Key key_of(const Row& row) { return {row.from, row.to, row.style}; }

void merge_into(Row& into, const Row& row) {
    into.count += row.count;
    into.last = row.count > 1 ? row.last : row.first;
    into.last_time = std::max(into.last_time, row.last_time);
}

Lanes lanes_of(const runner::TestResult& test) {
    bool terminal = false;
    std::vector<std::string> peers;
    auto see = [&](const std::string& party) {
        if (is_stdio(party)) terminal = true;
        else if (!party.empty() && party != "program" && party != "grader" &&
                 std::find(peers.begin(), peers.end(), party) == peers.end())
            peers.push_back(party);
    };
    for (const auto& entry : test.transcript) see(entry.party);
    if (test.failed_at) see(test.failed_at->party);
    Lanes lanes;
    if (terminal) {
        lanes.terminal = 0;
        lanes.names.push_back("terminal");
    }
    lanes.program = static_cast<int>(lanes.names.size());
    lanes.names.push_back("program");
    lanes.names.insert(lanes.names.end(), peers.begin(), peers.end());
    return lanes;
}

int lane_of(const Lanes& lanes, const std::string& party) {
    if (is_stdio(party)) return lanes.terminal >= 0 ? lanes.terminal : lanes.program;
    auto found = std::find(lanes.names.begin() + lanes.program + 1, lanes.names.end(), party);
    return found == lanes.names.end() ? lanes.program : static_cast<int>(found - lanes.names.begin());
}

Row message(double time, int from, int to, Style style, std::string text) {
    Row row;
    row.time = row.last_time = time;
    row.from = from;
    row.to = {to};
    row.style = style;
    row.first = std::move(text);
    return row;
}

Row note(double time, int lane, std::string text) {
    Row row;
    row.kind = Kind::note;
    row.time = row.last_time = time;
    row.from = lane;
    row.first = std::move(text);
    return row;
}

Row row_of(const runner::TranscriptEntry& entry, const Lanes& lanes, std::string_view lang) {
    const int program = lanes.program;
    const double t = entry.seconds;
    const std::string& text = entry.text.in(lang);
    if (entry.party == "grader") return note(t, program, (lang == "pt" ? "corretor: " : "grader: ") + text);
    if (entry.party == "program") return note(t, program, text);
    if (entry.party == "stdout" || entry.party == "stderr") {
        if (entry.direction == '*') return note(t, lanes.terminal, entry.party + ": " + text);
        return message(t, program, lanes.terminal, entry.party == "stderr" ? Style::stderr_data : Style::data, text);
    }
    if (entry.party == "stdin") {
        if (entry.direction == '*') return message(t, lanes.terminal, program, Style::eof, "EOF");
        return message(t, lanes.terminal, program, Style::stdin_data, text);
    }
    const int peer = lane_of(lanes, entry.party);
    if (entry.direction == '>') return message(t, peer, program, Style::data, text);
    if (entry.direction == '<') return message(t, program, peer, Style::data, text);
    switch (entry.mark) {
        case Mark::connect: return message(t, peer, program, Style::connect, text);
        case Mark::accept: return message(t, program, peer, Style::connect, text);
        case Mark::fin: return message(t, peer, program, Style::fin, "FIN");
        case Mark::rst: return message(t, peer, program, Style::rst, "RST");
        case Mark::program_fin: return message(t, program, peer, Style::fin, "FIN");
        case Mark::program_rst: return message(t, program, peer, Style::rst, "RST");
        case Mark::none: break;
    }
    return note(t, peer, text);
}

// The program forwarding one message to several peers: one row, several arrowheads.
std::vector<Row> merge_fan_outs(std::vector<Row> rows, int program) {
    std::vector<Row> out;
    for (auto& row : rows) {
        if (!out.empty()) {
            auto& last = out.back();
            bool joins = is_data(row) && is_data(last) && row.style == Style::data && last.style == Style::data &&
                         row.from == program && last.from == program && row.to.size() == 1 && row.first == last.first &&
                         last.count == 1 && row.time - last.time <= fan_out_seconds &&
                         std::find(last.to.begin(), last.to.end(), row.to.front()) == last.to.end();
            if (joins) {
                last.to.push_back(row.to.front());
                std::sort(last.to.begin(), last.to.end());
                last.last_time = row.time;
                continue;
            }
        }
        out.push_back(std::move(row));
    }
    return out;
}

// Bursts: in a run of messages among at most three kinds of arrow where one
// repeats often, one row per kind; otherwise only repeats in a row merge (a
// line read in two pieces).
std::vector<Row> collapse_bursts(std::vector<Row> rows) {
    std::vector<Row> out;
    std::size_t i = 0;
    while (i < rows.size()) {
        if (!is_data(rows[i])) {
            out.push_back(std::move(rows[i++]));
            continue;
        }
        // The longest group from i with at most burst_kinds keys.
        std::vector<Key> keys;
        std::size_t end = i;
        while (end < rows.size() && is_data(rows[end])) {
            auto key = key_of(rows[end]);
            if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
                if (keys.size() == burst_kinds) break;
                keys.push_back(key);
            }
            ++end;
        }
        std::map<Key, int> repeats;
        for (std::size_t k = i; k < end; ++k) ++repeats[key_of(rows[k])];
        bool burst = std::any_of(repeats.begin(), repeats.end(), [](const auto& r) { return r.second >= burst_repeats; });
        if (burst) {
            std::vector<Row> collapsed;
            for (std::size_t k = i; k < end; ++k) {
                auto key = key_of(rows[k]);
                auto found = std::find_if(collapsed.begin(), collapsed.end(), [&](const Row& r) { return key_of(r) == key; });
                if (found == collapsed.end()) collapsed.push_back(std::move(rows[k]));
                else merge_into(*found, rows[k]);
            }
            for (auto& row : collapsed) out.push_back(std::move(row));
        } else {
            for (std::size_t k = i; k < end; ++k) {
                if (!out.empty() && is_data(out.back()) && key_of(out.back()) == key_of(rows[k]) && k > i)
                    merge_into(out.back(), rows[k]);
                else
                    out.push_back(std::move(rows[k]));
            }
        }
        i = end;
    }
    return out;
}

}  // namespace

Plan plan(const runner::TestResult& test, std::size_t max_rows, std::string_view lang) {
    Plan plan;
    plan.lanes = lanes_of(test);
    std::vector<Row> rows;
    for (const auto& entry : test.transcript) rows.push_back(row_of(entry, plan.lanes, lang));
    rows = collapse_bursts(merge_fan_outs(std::move(rows), plan.lanes.program));

    // The failure goes where it happened in time, after everything that happened before it.
    if (test.failed_at) {
        Row failure;
        failure.kind = Kind::failure;
        failure.time = failure.last_time = test.failed_at->at;
        failure.from = lane_of(plan.lanes, test.failed_at->party);
        auto at = std::find_if(rows.begin(), rows.end(), [&](const Row& r) { return r.time > test.failed_at->at; });
        rows.insert(at, std::move(failure));
    }

    // Long silences, drawn as such (an expectation that waited in vain shows one).
    std::vector<Row> spaced;
    for (auto& row : rows) {
        if (!spaced.empty() && row.time - spaced.back().last_time >= gap_seconds) {
            Row gap;
            gap.kind = Kind::gap;
            gap.time = spaced.back().last_time;
            gap.last_time = row.time;
            spaced.push_back(std::move(gap));
        }
        spaced.push_back(std::move(row));
    }
    rows = std::move(spaced);

    // Too many rows: keep the beginning and, larger, the end (where a failure is).
    max_rows = std::max<std::size_t>(max_rows, 4);
    if (rows.size() > max_rows) {
        std::size_t head = max_rows / 3;
        std::size_t tail = max_rows - head - 1;
        // The failure stays, however much follows it.
        auto failure = std::find_if(rows.begin(), rows.end(), [](const Row& r) { return r.kind == Kind::failure; });
        if (failure != rows.end()) {
            auto from_end = static_cast<std::size_t>(rows.end() - failure);
            if (from_end > tail) {
                tail = std::min(from_end, max_rows - 2);
                head = max_rows - tail - 1;
            }
        }
        Row more;
        more.kind = Kind::more;
        more.count = 0;
        for (std::size_t k = head; k < rows.size() - tail; ++k) more.count += rows[k].count;
        more.time = rows[head].time;
        more.last_time = rows[rows.size() - tail - 1].last_time;
        std::vector<Row> kept(std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.begin() + static_cast<long>(head)));
        kept.push_back(std::move(more));
        kept.insert(kept.end(), std::make_move_iterator(rows.end() - static_cast<long>(tail)), std::make_move_iterator(rows.end()));
        rows = std::move(kept);
    }

    for (std::size_t k = 0; k < rows.size(); ++k)
        if (rows[k].kind == Kind::failure) plan.failure_row = static_cast<int>(k);
    if (test.failed_at && plan.failure_row >= 0) {
        for (int k = 0; k < plan.failure_row; ++k)
            if (rows[static_cast<std::size_t>(k)].last_time >= test.failed_at->since) {
                plan.since_row = k;
                break;
            }
        if (plan.since_row < 0) plan.since_row = plan.failure_row;
    }
    plan.rows = std::move(rows);
    return plan;
}

}  // namespace sockgrade::diagram::detail
