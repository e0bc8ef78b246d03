// summary.json: the run's estimates in the shape fixed by SPEC section 6.
//
// The text must be a pure function of the Results (byte-identical across
// thread counts and processes), so keys keep insertion order and nothing
// run-dependent is written here.
#include <cmath>
#include <nlohmann/json.hpp>

#include "clvsim/outputs.hpp"

namespace clvsim {
namespace {

using Json = nlohmann::ordered_json;

// JSON has no NaN or infinity; an unknown value (e.g. se with one
// replication) is null.
Json number(double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); }

Json estimate(const Estimate& e) {
  Json j = Json::object();
  j["mean"] = number(e.mean);
  j["se"] = number(e.se);
  return j;
}

Json estimate_with_interval(const Estimate& e, const Interval& ci) {
  Json j = estimate(e);
  j["ci95"] = Json::array({number(ci.low), number(ci.high)});
  return j;
}

Json segment(const SegmentSummary& s) {
  Json j = Json::object();
  j["name"] = s.name;
  j["customers"] = s.customers;
  Json clv = estimate_with_interval(s.clv, s.clv_ci95);
  clv["p05"] = number(s.clv_quantiles.p05);
  clv["p25"] = number(s.clv_quantiles.p25);
  clv["p50"] = number(s.clv_quantiles.p50);
  clv["p75"] = number(s.clv_quantiles.p75);
  clv["p95"] = number(s.clv_quantiles.p95);
  j["clv"] = std::move(clv);
  j["survival_end"] = estimate(s.survival_end);
  j["revenue"] = estimate(s.revenue);
  j["treatment_cost"] = estimate(s.treatment_cost);
  j["equity"] = estimate(s.equity);
  return j;
}

Json strategy(const StrategySummary& s) {
  Json j = Json::object();
  j["name"] = s.name;
  Json segments = Json::array();
  // The last entry is the "total" over all segments (results.hpp).
  for (std::size_t i = 0; i + 1 < s.segments.size(); ++i) {
    segments.push_back(segment(s.segments[i]));
  }
  j["segments"] = std::move(segments);
  j["total"] = s.segments.empty() ? Json(nullptr) : segment(s.segments.back());
  if (s.budget) {
    Json b = Json::object();
    b["per_period"] = number(s.budget->per_period);
    b["spend"] = estimate(s.budget->spend);
    b["max_spend"] = number(s.budget->max_spend);
    b["binding_share"] = number(s.budget->binding_share);
    b["denied"] = estimate(s.budget->denied);
    j["budget"] = std::move(b);
  }
  return j;
}

Json comparison(const Comparison& c) {
  Json j = Json::object();
  j["strategy"] = c.strategy;
  j["baseline"] = c.baseline;
  j["segment"] = c.segment;
  j["clv_uplift"] = estimate_with_interval(c.clv_uplift, c.clv_uplift_ci95);
  j["treatment_cost_change"] = estimate(c.treatment_cost_change);
  j["roi"] = c.roi ? number(*c.roi) : Json(nullptr);
  return j;
}

}  // namespace

std::string summary_json(const Results& results) {
  Json j = Json::object();
  j["scenario"] = results.scenario;
  j["seed"] = results.seed;
  j["replications"] = results.replications;
  j["horizon"] = results.horizon;
  j["discount_rate"] = number(results.discount_rate);
  Json strategies = Json::array();
  for (const auto& s : results.strategies) strategies.push_back(strategy(s));
  j["strategies"] = std::move(strategies);
  Json comparisons = Json::array();
  for (const auto& c : results.comparisons) {
    comparisons.push_back(comparison(c));
  }
  j["comparisons"] = std::move(comparisons);
  // Names come from the user's YAML; never let a stray invalid UTF-8 byte
  // turn a finished run into an exception.
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace clvsim
