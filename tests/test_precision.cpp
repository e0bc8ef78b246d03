// Precision targets (run --precision): the run stops at the first batch
// count whose intervals are narrow enough, and equals, byte for byte, a run
// asking for that count from the start.
#include "clvsim/precision.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "clvsim/outputs.hpp"
#include "scenario_fixtures.hpp"

namespace clvsim {
namespace {

Scenario two_strategies() { return testing::two_strategies("precision", 77); }

Results fixed_run(Scenario s, std::uint32_t replications) {
  s.simulation.replications = replications;
  return run_simulation(s, {.threads = 2});
}

// The three claims for one target: stopped at a multiple of the batch where
// the target holds, one batch fewer does not meet it, and the outputs equal
// a fixed-count run.
void expect_smallest_and_equal(const Scenario& s, const PrecisionTarget& target) {
  const Results r = run_to_precision(s, {.threads = 2}, target);
  ASSERT_TRUE(r.statistics.precision.has_value());
  const PrecisionReport& report = *r.statistics.precision;
  EXPECT_TRUE(report.met) << report.widest << " " << report.half_width;
  EXPECT_LE(report.half_width, report.needed);
  EXPECT_EQ(r.replications % target.batch, 0u);
  ASSERT_GT(r.replications, target.batch) << "target too loose to test anything";

  EXPECT_FALSE(check_precision(fixed_run(s, r.replications - target.batch), target).met);
  const Results fixed = fixed_run(s, r.replications);
  EXPECT_TRUE(check_precision(fixed, target).met);
  EXPECT_EQ(summary_json(fixed), summary_json(r));
  EXPECT_EQ(periods_csv(fixed), periods_csv(r));
}

TEST(Precision, AbsoluteClvTargetStopsAtTheFirstBatchThatMeetsIt) {
  PrecisionTarget target;
  target.half_width = 0.5;
  target.text = "0.5";
  target.batch = 4;
  expect_smallest_and_equal(two_strategies(), target);
}

TEST(Precision, RelativeTargetOnOneSegment) {
  PrecisionTarget target;
  target.half_width = 0.01;
  target.relative = true;
  target.text = "1%";
  target.segment = "small";
  target.batch = 3;
  expect_smallest_and_equal(two_strategies(), target);
}

TEST(Precision, UpliftTargetWatchesTheComparison) {
  PrecisionTarget target;
  target.metric = PrecisionTarget::Metric::uplift;
  target.half_width = 0.06;
  target.text = "0.06";
  target.batch = 5;
  const Scenario s = two_strategies();
  expect_smallest_and_equal(s, target);
  const Results r = run_to_precision(s, {.threads = 1}, target);
  EXPECT_EQ(r.statistics.precision->widest, "call-everyone - status-quo");
}

TEST(Precision, StopsAtTheMaximumWhenTheTargetIsOutOfReach) {
  PrecisionTarget target;
  target.half_width = 1e-9;
  target.text = "1e-9";
  target.batch = 4;
  target.max_replications = 10;  // not a multiple: the last batch is cut to 2
  const Scenario s = two_strategies();
  int batches = 0;
  const Results r = run_to_precision(s, {.threads = 2}, target,
                                     [&](const PrecisionReport&, std::uint32_t) { ++batches; });
  EXPECT_EQ(batches, 3);
  EXPECT_EQ(r.replications, 10u);
  EXPECT_FALSE(r.statistics.precision->met);
  EXPECT_GT(r.statistics.precision->half_width, r.statistics.precision->needed);
  EXPECT_EQ(summary_json(fixed_run(s, 10)), summary_json(r));
}

TEST(Precision, OneReplicationNeverMeetsATarget) {
  PrecisionTarget target;
  target.half_width = 1e300;
  target.batch = 1;
  const Results r = run_to_precision(two_strategies(), {.threads = 1}, target);
  EXPECT_EQ(r.replications, 2u);  // the first interval exists after two
  EXPECT_TRUE(r.statistics.precision->met);
}

TEST(Precision, RefusesAnImpossibleRequest) {
  PrecisionTarget target;
  target.half_width = 1.0;
  target.segment = "nobody";
  EXPECT_THROW(run_to_precision(two_strategies(), {}, target), std::invalid_argument);
  target.segment = "total";
  target.batch = 0;
  EXPECT_THROW(run_to_precision(two_strategies(), {}, target), std::invalid_argument);
}

}  // namespace
}  // namespace clvsim
