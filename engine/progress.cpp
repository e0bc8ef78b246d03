#include "clvsim/progress.hpp"

#include <algorithm>
#include <cmath>

#include "model_plan.hpp"

namespace clvsim {

std::uint64_t progress_work(const Scenario& scenario, std::uint32_t replications) {
  const ModelPlan plan = make_model_plan(scenario);
  double slots = 0;
  for (const SegmentPlan& segment : plan.segments) {
    // What simulation.cpp and budget_run.cpp count: every simulated strategy
    // (not a twin, see SegmentPlan::same_as) goes over every block of the
    // cohort for all periods, a budgeted one period by period.
    int strategies = 0;
    for (int s = 0; s < plan.strategies; ++s) {
      if (plan.budget[s] || segment.same_as[s] < 0) ++strategies;
    }
    // draw_cohort_schedule: the initial customers, then arrivals in
    // periods 1 .. horizon-1 (a fixed count is truncated to an integer).
    const double per_period = segment.acquisition_poisson
                                  ? segment.acquisition_per_period
                                  : std::floor(segment.acquisition_per_period);
    const double cohort = std::round(static_cast<double>(segment.initial_customers) +
                                     per_period * (plan.horizon - 1));
    slots += cohort * plan.horizon * strategies;
  }
  // Far beyond any run that could finish; keeps sums of totals in range.
  constexpr double kMost = 4.0e18;
  return static_cast<std::uint64_t>(std::min(slots * replications, kMost));
}

}  // namespace clvsim
