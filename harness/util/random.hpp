// Seeded choices: every fault decision and the nonce of a test run come from
// one seed, so a run can be replayed with --seed. The generator and the
// arithmetic are our own (std:: distributions differ between standard
// libraries), so a seed means the same choices on every machine.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace sockgrade::util {

// SplitMix64: small, fast, and good enough to pick segment sizes and drops.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next();
    // A whole number in [low, high], both included (low <= high).
    std::int64_t between(std::int64_t low, std::int64_t high);
    std::chrono::milliseconds between(std::chrono::milliseconds low, std::chrono::milliseconds high) {
        return std::chrono::milliseconds(between(low.count(), high.count()));
    }
    // True with probability p (0 never, 1 always).
    bool chance(double p);

private:
    std::uint64_t state_;
};

// A seed for one part of a run (a test, a peer), derived from the run's seed
// and the part's name: parts never share choices, and adding a peer does not
// change the others' choices.
std::uint64_t derive_seed(std::uint64_t seed, std::string_view label);

// A fresh seed for a run nobody gave a seed to. Kept below 2^32, so that the
// report's "--seed N" is short enough to copy.
std::uint64_t random_seed();

// The {nonce} of a test run with this seed: 6 hex digits.
std::string nonce_from_seed(std::uint64_t seed);

}  // namespace sockgrade::util
