// The validated, resolved description of one what-if study.
//
// A Scenario is plain data: every default is filled in and every name is
// resolved to an index, so the engine never looks anything up by string.
// It is produced by load_scenario() (scenario_loader.hpp), which guarantees
// every invariant stated in the comments below; code that builds a Scenario
// by hand (tests, benchmarks) must keep them too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clvsim {

// Hard limits that keep random-stream counters collision-free and sums finite.
// Per-block tallies hold strategies x periods, so the horizon is bounded to keep
// them small: 10,000 periods is over 800 years of months.
inline constexpr int kMaxHorizon = 10000;                    // periods
inline constexpr std::uint64_t kMaxCustomersPerSegment = 4000000000ULL;  // initial + acquired
inline constexpr std::uint32_t kMaxReplications = 1u << 20;
inline constexpr int kMaxSegments = 1 << 12;

// How a customer's churn propensity theta is drawn once, at acquisition.
struct ChurnModel {
  enum class Kind { geometric, sbg };
  Kind kind = Kind::geometric;
  double p = 0.0;      // geometric: theta = p for every customer, in [0, 1]
  double alpha = 1.0;  // sbg: theta ~ Beta(alpha, beta), alpha > 0
  double beta = 1.0;   //      beta > 0
};

struct RevenueModel {
  double mean = 0.0;  // expected revenue per active period, >= 0
  // Gamma shape of the personal mean across customers (mu ~ Gamma(h, mean/h));
  // unset = every customer has mu = mean. > 0 when set.
  std::optional<double> heterogeneity;
  // Gamma shape of period-to-period revenue (r ~ Gamma(k, mu/k)); unset =
  // r = mu every period. > 0 when set.
  std::optional<double> noise;
};

struct Acquisition {
  double per_period = 0.0;  // new customers each period t >= 1, >= 0
  // true: each period's count ~ Poisson(per_period); false: exactly
  // per_period, which must then be a whole number.
  bool poisson = false;
};

struct Segment {
  std::string name;
  std::uint64_t customers = 0;  // initial cohort, active from period 0
  ChurnModel churn;
  RevenueModel revenue;
  double margin = 1.0;         // in [0, 1]
  double cost_to_serve = 0.0;  // per active period, >= 0
  std::optional<Acquisition> acquisition;
};

// Index 0 of Scenario::treatments is always the built-in "none".
struct Treatment {
  std::string name;
  double cost = 0.0;  // per treated customer per period, >= 0
};

// Effect of one treatment on one segment. Neutral by default.
struct Response {
  double churn = 1.0;    // multiplier on churn probability, >= 0
  double revenue = 1.0;  // multiplier on revenue, >= 0
  std::optional<double> up;    // overrides the ladder's default up move
  std::optional<double> down;  // overrides the ladder's default down move
};

// The relationship ladder. A scenario without one has a single level
// ("customer") with neutral multipliers and no moves, so the engine has one
// code path.
struct RelationshipLadder {
  std::vector<std::string> levels;  // >= 1, unique
  int start = 0;                    // index into levels
  std::vector<double> churn;        // one multiplier per level, >= 0
  std::vector<double> revenue;      // one multiplier per level, >= 0
  double up = 0.0;                  // default P(move up), in [0, 1]
  double down = 0.0;                // default P(move down); up + down <= 1
  bool declared = false;            // false = the implicit single level
};

// One rule of a `rules` strategy: when every condition that is set holds
// for a customer at the start of a period, the customer gets `treatment`.
// Conditions read observable state only: the customer's segment, ladder
// level, tenure (periods since acquisition, 0 in the first) and history
// (last period's revenue and profit, discounted profit so far). A rule with
// no condition set is a catch-all. Bounds are inclusive.
struct Rule {
  std::vector<int> segments{};  // any of these segment indices; empty = every
  std::optional<int> level_at_least{}, level_at_most{};    // level indices
  std::optional<int> tenure_at_least{}, tenure_at_most{};  // periods, >= 0
  // Conditions on last period never hold in a customer's first period.
  std::optional<double> last_revenue_at_least{}, last_revenue_at_most{};
  std::optional<double> last_profit_at_least{}, last_profit_at_most{};
  // Discounted profit from acquisition to the start of this period.
  std::optional<double> value_so_far_at_least{}, value_so_far_at_most{};
  int treatment = 0;
};

struct Scenario;
// Whether no customer of `scenario` can fail `rule`'s conditions: none set,
// or only bounds at the ends of their range (every segment, the lowest
// level, tenure 0, ...). Rules after such a rule can never match.
bool matches_everyone(const Rule& rule, const Scenario& scenario);

// The observable score a budget serves customers by, highest first.
enum class ValueScore { value_so_far, last_revenue, last_profit };

// A cap on a strategy's treatment spend per period, over all customers of
// a replication. When the treatments the strategy picks cost more, customers
// are served in decreasing order of `rank_by` (ties in a fixed random order
// drawn from the seed) while the running spend stays within the cap; from
// the first customer that does not fit on, everyone gets "none".
struct Budget {
  double per_period = 0.0;  // >= 0, in the scenario's currency per period
  ValueScore rank_by = ValueScore::value_so_far;
};

// A strategy decides a treatment each period from observable state only.
// `assign` (rules empty) maps a segment to one treatment for every period;
// `rules` (non-empty) picks by the first matching rule, "none" if none
// matches. Either may have a budget.
struct Strategy {
  std::string name;
  std::vector<int> treatment_of_segment;  // assign: [segment] -> treatment index
  std::vector<Rule> rules;                // first match wins
  std::optional<Budget> budget;
};

struct SimulationSettings {
  std::uint32_t replications = 32;  // >= 1
  std::uint64_t seed = 1;
};

struct Scenario {
  std::string source_file;  // path it was loaded from (for messages)
  std::string name;
  std::string description;
  int horizon = 1;  // periods, in [1, kMaxHorizon]
  std::string period_label = "period";
  double discount_rate = 0.0;  // per period, >= 0
  SimulationSettings simulation;

  std::vector<Segment> segments;      // >= 1, unique names
  std::vector<Treatment> treatments;  // [0] = "none"
  // response[segment][treatment]; every cell present (neutral if not given)
  std::vector<std::vector<Response>> response;
  RelationshipLadder relationship;
  std::vector<Strategy> strategies;  // >= 1; default: "status-quo", all none
  int baseline = 0;                  // index into strategies
};

// A scenario of these segments with every default of the file format: the
// built-in treatment "none" only (neutral response), the implicit one-level
// ladder, and one strategy "status-quo" giving everyone "none". For building
// scenarios in code (tests, benchmarks, embedding); set the other fields
// (horizon, discount_rate, simulation) afterwards.
Scenario scenario_with_defaults(std::string name, std::vector<Segment> segments);

}  // namespace clvsim
