#include "util/random.hpp"

#include <random>

#include <fmt/format.h>

namespace sockgrade::util {

std::uint64_t Rng::next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

std::int64_t Rng::between(std::int64_t low, std::int64_t high) {
    if (high <= low) return low;
    const auto span = static_cast<std::uint64_t>(high - low) + 1;
    // Rejection keeps every value equally likely (no modulo bias).
    const std::uint64_t limit = span == 0 ? 0 : (~std::uint64_t{0} - span + 1) % span;
    for (;;) {
        std::uint64_t value = next();
        if (span == 0) return static_cast<std::int64_t>(value);
        if (value >= limit) return low + static_cast<std::int64_t>(value % span);
    }
}

bool Rng::chance(double p) {
    if (p <= 0) return false;
    if (p >= 1) return true;
    // 53 random bits as a double in [0, 1).
    return static_cast<double>(next() >> 11) * 0x1.0p-53 < p;
}

std::uint64_t derive_seed(std::uint64_t seed, std::string_view label) {
    // FNV-1a of the label, folded into the seed, then one SplitMix64 step.
    std::uint64_t hash = 0xCBF29CE484222325ULL;
    for (unsigned char c : label) hash = (hash ^ c) * 0x100000001B3ULL;
    Rng mixer(seed ^ hash);
    return mixer.next();
}

std::uint64_t random_seed() {
    std::random_device device;
    return device() & 0xFFFFFFFFULL;
}

std::string nonce_from_seed(std::uint64_t seed) {
    Rng rng(derive_seed(seed, "nonce"));
    return fmt::format("{:06x}", rng.next() & 0xFFFFFF);
}

}  // namespace sockgrade::util
