// Pieces the scenario readers share: value ranges, count limits, and the
// name tables that resolve references (segment, treatment, level, strategy)
// to indices with located errors.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "yaml_checked.hpp"

namespace clvsim {

// Upper bounds on magnitudes: far beyond any real business, low enough that
// sums over customers, periods and replications stay finite.
inline constexpr NumberRange kMoney{0.0, 1e12};
inline constexpr NumberRange kSignedMoney{-1e12, 1e12};
inline constexpr NumberRange kMultiplier{0.0, 1e6};
inline constexpr NumberRange kShape{0.0, 1e9, true};
inline constexpr NumberRange kRate{0.0, 1e6};
inline constexpr NumberRange kPerPeriod{0.0, 1e9};
// Not in scenario.hpp; these keep the [segment][treatment] response table
// and the per-strategy results to a size that fits in memory.
inline constexpr std::size_t kMaxTreatments = 256;
inline constexpr std::size_t kMaxStrategies = 256;
inline constexpr std::size_t kMaxLevels = 256;
inline constexpr std::size_t kMaxRules = 256;

// Names of one kind, in definition order, for duplicate and reference checks.
class NameSet {
 public:
  explicit NameSet(std::string kind) : kind_(std::move(kind)) {}

  void add(const CheckedNode& at, const std::string& name) {
    auto [it, inserted] = index_.emplace(name, static_cast<int>(names_.size()));
    if (!inserted) {
      at.fail("duplicate " + kind_ + " name \"" + name + "\"",
              "each " + kind_ + " name once");
    }
    names_.push_back(name);
  }

  // Names the loader defines itself ("none", "status-quo").
  void add_builtin(const std::string& name) {
    index_.emplace(name, static_cast<int>(names_.size()));
    names_.push_back(name);
  }

  // The index of the name `at` holds, or an error naming the choices.
  int find(const CheckedNode& at, const std::string& name) const {
    auto it = index_.find(name);
    if (it == index_.end()) {
      at.fail("unknown " + kind_ + " \"" + name + "\"", "one of: " + choices());
    }
    return it->second;
  }

 private:
  std::string choices() const {
    std::string out;
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (i == 20) return out + ", ...";
      out += (i ? ", " : "") + names_[i];
    }
    return out;
  }

  std::string kind_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, int> index_;
};

struct Names {
  NameSet segments{"segment"};
  NameSet treatments{"treatment"};
  NameSet levels{"level"};
  NameSet strategies{"strategy"};
};

// Fails at `at` unless 1 <= count <= limit.
inline void check_count(const CheckedNode& at, std::size_t count, std::size_t limit,
                        const std::string& what) {
  if (count == 0) at.fail("is empty", "at least one " + what);
  if (count > limit) {
    at.fail("has " + std::to_string(count) + " " + what + "s",
            "at most " + std::to_string(limit));
  }
}

}  // namespace clvsim
