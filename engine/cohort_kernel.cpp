#include "cohort_kernel.hpp"

#include <algorithm>

namespace clvsim {

void simulate_customers(const ModelPlan& plan, const SegmentPlan& segment,
                        const StreamKey& key, const CohortSchedule& schedule,
                        std::uint64_t first, std::uint64_t last, CohortTally& tally,
                        ClvHistogram* histograms, CustomerBlock& block) {
  // A strategy with twins (SegmentPlan::same_as) records this block's CLVs
  // here first, so that they can be added to every twin's histogram too.
  thread_local ClvHistogram block_clv;
  block.draw(plan, segment, key, schedule, first, last);
  int simulated = 0;
  for (int s = 0; s < plan.strategies; ++s) {
    simulated += !plan.budget[s] && segment.same_as[s] < 0;
  }
  if (simulated > 1) block.keep_period_draws();
  for (int s = 0; s < plan.strategies; ++s) {
    if (plan.budget[s] || segment.same_as[s] >= 0) continue;
    const bool has_twins =
        std::find(segment.same_as.begin(), segment.same_as.end(), s) != segment.same_as.end();
    ClvHistogram& clv = has_twins ? block_clv : histograms[s];
    if (has_twins) block_clv.clear();
    const int fixed = segment.fixed_treatment[s];
    block.begin_strategy();
    for (int t = block.next_arrival(); t < plan.horizon;) {
      block.admit(t);
      if (fixed < 0) block.decide(s, t);
      block.step(t, fixed, tally, s, clv);
      // With nobody left, skip to the next arrival.
      t = block.active() > 0 ? t + 1 : block.next_arrival();
    }
    block.finish(clv);
    if (has_twins) {
      for (int same = s; same < plan.strategies; ++same) {
        if (same == s || segment.same_as[same] == s) histograms[same].merge(block_clv);
      }
    }
  }
  for (int twin = 0; twin < plan.strategies; ++twin) {
    if (segment.same_as[twin] >= 0) tally.copy_strategy(twin, tally, segment.same_as[twin]);
  }
}

}  // namespace clvsim
