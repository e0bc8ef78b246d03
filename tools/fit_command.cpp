// clvsim fit sbg: calibrate shifted-beta-geometric churn to observed
// retention (Fader & Hardie 2007) and, optionally, write it into a scenario.
//
// Everything is checked before anything is written: the data file, the
// option values, the fit, and the edited scenario (which must load).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli_common.hpp"
#include "clvsim/error.hpp"
#include "clvsim/sbg_fit.hpp"
#include "clvsim/scenario_patch.hpp"
#include "clvsim/survival_table.hpp"

namespace clvsim::cli {
namespace {

constexpr std::uint64_t kMaxCohortSize = 1'000'000'000'000ULL;
// Below this the discounted sums need millions of terms per value.
constexpr double kMinDiscount = 1e-5;
constexpr int kDerlPeriods[] = {1, 2, 3, 5, 10};

struct FitArgs {
  std::string data;
  std::string periods;
  std::string discount;
  std::string cohort_size;
  std::vector<std::string> cohorts;
  std::string segment;
  std::string into;
};

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// Parameters as in the scenario snippet (see sbg_churn_flow).
std::string parameter(double v) {
  if (std::isnan(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf,
                v < 0.1 ? "%.4g" : v < 1e6 ? "%.4f" : "%.6g", v);
  return buf;
}

std::string pad_left(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

std::string pad_right(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string period_range(int first, int last) {
  return first == last ? "period " + std::to_string(first)
                       : "periods " + std::to_string(first) + "-" +
                             std::to_string(last);
}

// Keeps the cohorts named by --cohort, in the file's order.
void select_cohorts(SurvivalTable& table, const std::vector<std::string>& names) {
  if (names.empty()) return;
  std::string all;
  for (const SurvivalCohort& c : table.cohorts) {
    all += (all.empty() ? "" : ", ") + c.name;
  }
  for (const std::string& name : names) {
    bool known = false;
    for (const SurvivalCohort& c : table.cohorts) known = known || c.name == name;
    if (!known) {
      throw InputError("--cohort", {}, "",
                       "no cohort named '" + name + "' in " + table.file,
                       "one of: " + all);
    }
  }
  std::vector<SurvivalCohort> kept;
  for (SurvivalCohort& c : table.cohorts) {
    for (const std::string& name : names) {
      if (c.name == name) {
        kept.push_back(std::move(c));
        break;
      }
    }
  }
  table.cohorts = std::move(kept);
}

// Percent tables read as counts fit the right alpha and beta but standard
// errors as if each cohort had 100 customers.
bool looks_like_percent(const SurvivalTable& table) {
  bool fractional = false;
  for (const SurvivalCohort& c : table.cohorts) {
    if (c.values.front() != 100.0) return false;
    for (double v : c.values) fractional = fractional || v != std::floor(v);
  }
  return fractional;
}

void print_read(std::ostream& out, const SurvivalTable& table, std::size_t all,
                int last_fit) {
  std::string names;
  for (const SurvivalCohort& c : table.cohorts) {
    names += (names.empty() ? "" : ", ") + c.name;
  }
  out << "  read     " << plural(table.cohorts.size(), "cohort") << " ("
      << names << ")";
  if (table.cohorts.size() < all) out << " of " << all;
  out << ", " << period_range(0, table.periods - 1) << ", ";
  if (table.cohort_size > 0) {
    out << "values in percent of " << table.cohort_size
        << " starters per cohort\n";
  } else {
    out << "values are counts of active customers\n";
  }
  out << "  fit      " << period_range(0, last_fit);
  if (last_fit < table.periods - 1) {
    out << "; holdout " << period_range(last_fit + 1, table.periods - 1) << "\n";
  } else {
    out << "; no holdout (--periods K keeps periods after K out of the fit)\n";
  }
}

void print_estimates(std::ostream& out, const SbgFit& fit) {
  out << "\n               estimate   std. error\n"
      << "  alpha      " << pad_left(parameter(fit.alpha), 10) << "   "
      << pad_left(parameter(fit.alpha_se), 10) << "\n"
      << "  beta       " << pad_left(parameter(fit.beta), 10) << "   "
      << pad_left(parameter(fit.beta_se), 10) << "\n"
      << "  log-likelihood " << fixed(fit.log_likelihood, 2) << "; ";
  if (fit.converged) {
    out << "converged after " << plural(fit.iterations, "Newton iteration")
        << "\n";
  } else {
    out << "NOT CONVERGED after " << plural(fit.iterations, "iteration")
        << "\n  WARNING: the likelihood keeps rising towards a boundary, so "
           "the estimates above\n  are only the last iterate. Typical causes: "
           "the same churn rate for everyone\n  (alpha and beta grow without "
           "bound at a fixed ratio; churn: {geometric: p}\n  describes such "
           "data), nobody churning, or everybody churning at once.\n";
  }
  if (std::isnan(fit.alpha_se) || std::isnan(fit.beta_se)) {
    out << "  WARNING: no standard errors: the likelihood is flat in some "
           "direction at the\n  estimate, so the data do not identify alpha "
           "and beta separately.\n";
  } else if (fit.converged &&
             (fit.alpha_se > fit.alpha || fit.beta_se > fit.beta)) {
    out << "  WARNING: a standard error exceeds its estimate: the data barely "
           "separate alpha\n  from beta (one period fixes only the mean churn "
           "alpha/(alpha+beta); more\n  periods or cohorts help).\n";
  }
}

// Observed and fitted survival per cohort by calendar period, each row
// marked fit or holdout, then the mean absolute errors.
void print_survival(std::ostream& out, const SurvivalTable& table,
                    const SbgFit& fit, int last_fit) {
  const std::vector<double> s = sbg_survival(fit.alpha, fit.beta, table.periods);
  std::vector<std::size_t> widths;
  std::string names_row = "  " + std::string(6 + 2 + 7, ' ');
  std::string sub_row = "  " + pad_left("period", 6) + "  " + pad_right("split", 7);
  for (const SurvivalCohort& c : table.cohorts) {
    const std::size_t w = std::max<std::size_t>(c.name.size(), 18);
    widths.push_back(w);
    names_row += "  " + pad_left(c.name, w);
    sub_row += "  " + pad_left("observed    fitted", w);
  }
  out << "\nSurvival: % of each cohort's starters still active, by calendar "
         "period\n"
      << names_row << "\n" << sub_row << "\n";
  double err[2] = {0, 0};
  std::size_t points[2] = {0, 0};
  for (int p = 0; p < table.periods; ++p) {
    const bool in_fit = p <= last_fit;
    std::string row = "  " + pad_left(std::to_string(p), 6) + "  " +
                      pad_right(in_fit ? "fit" : "holdout", 7);
    for (std::size_t i = 0; i < table.cohorts.size(); ++i) {
      const SurvivalCohort& c = table.cohorts[i];
      const int age = p - c.first_period;
      std::string cell;
      if (age >= 0) {
        const bool seen = age < static_cast<int>(c.values.size());
        const double fitted = 100.0 * s[static_cast<std::size_t>(age)];
        cell = (seen ? fixed(c.percent(static_cast<std::size_t>(age)), 2) : "")
               + "  " + pad_left(fixed(fitted, 2), 8);
        if (seen && age > 0) {
          err[in_fit ? 0 : 1] +=
              std::abs(c.percent(static_cast<std::size_t>(age)) - fitted);
          ++points[in_fit ? 0 : 1];
        }
      }
      row += "  " + pad_left(cell, widths[i]);
    }
    row.erase(row.find_last_not_of(' ') + 1);
    out << row << "\n";
  }
  out << "  mean absolute error, percentage points (points after the "
         "starters):\n";
  const char* label[2] = {"fit", "holdout"};
  for (int k = 0; k < 2; ++k) {
    out << "    " << pad_right(label[k], 8);
    if (points[k] == 0) {
      out << "-  (no points)\n";
    } else {
      out << fixed(err[k] / static_cast<double>(points[k]), 3) << "  ("
          << plural(points[k], "point") << ")\n";
    }
  }
}

void print_lifetimes(std::ostream& out, const SbgFit& fit,
                     std::optional<double> discount) {
  out << "\n";
  if (!discount) {
    out << "Discounted expected lifetimes: add --discount D (rate per period, "
           "e.g. 0.1) for DEL and DERL\n";
    return;
  }
  out << "Discounted expected lifetimes in periods at a discount rate of "
      << *discount << " per period (Fader & Hardie 2010)\n"
      << "  DEL, a customer just acquired: "
      << fixed(sbg_discounted_expected_lifetime(fit.alpha, fit.beta, *discount), 4)
      << "\n  DERL(n), a customer active in periods 0..n-1: its periods from "
         "n on, discounted to period n\n    n    ";
  for (int n : kDerlPeriods) out << pad_left(std::to_string(n), 10);
  out << "\n    DERL ";
  for (int n : kDerlPeriods) {
    out << pad_left(
        fixed(sbg_discounted_expected_residual_lifetime(fit.alpha, fit.beta,
                                                        *discount, n),
              4),
        10);
  }
  out << "\n";
}

int fit_sbg_command(const FitArgs& args) {
  // Cheap checks first.
  if (args.into.empty() != args.segment.empty()) {
    const bool has_into = !args.into.empty();
    throw InputError(has_into ? "--into" : "--segment", {}, "",
                     has_into ? "needs --segment NAME: the segment to set"
                              : "needs --into SCENARIO.yaml: the file to edit",
                     "--segment NAME --into SCENARIO.yaml together");
  }
  SurvivalTableOptions options;
  if (!args.cohort_size.empty()) {
    options.cohort_size =
        parse_count("--cohort-size", args.cohort_size, 1, kMaxCohortSize);
  }
  std::optional<double> discount;
  if (!args.discount.empty()) {
    discount = parse_real("--discount", args.discount, 0.0, 1e6);
    if (*discount < kMinDiscount) {
      throw InputError("--discount", {}, "",
                       args.discount + " is too small",
                       "a rate per period of at least 1e-05");
    }
  }
  std::optional<std::uint64_t> periods;
  if (!args.periods.empty()) {
    periods = parse_count("--periods", args.periods, 1, 1'000'000'000);
  }

  SurvivalTable table = read_survival_table(args.data, options);
  const std::size_t all = table.cohorts.size();
  select_cohorts(table, args.cohorts);
  const int last_period = table.periods - 1;
  if (periods && *periods > static_cast<std::uint64_t>(last_period)) {
    throw InputError("--periods", {}, "",
                     args.periods + " is beyond the last period of " +
                         args.data + " (" + std::to_string(last_period) + ")",
                     "at most " + std::to_string(last_period));
  }
  const int last_fit = periods ? static_cast<int>(*periods) : last_period;
  const std::vector<SbgCohort> cohorts = sbg_cohorts_through(table, last_fit);
  if (cohorts.empty()) {
    int needed = last_period;
    for (const SurvivalCohort& c : table.cohorts) {
      needed = std::min(needed, c.first_period + 1);
    }
    throw InputError("--periods", {}, "",
                     "with periods 0-" + std::to_string(last_fit) +
                         " no cohort has a period after its starters",
                     "at least " + std::to_string(needed));
  }
  if (options.cohort_size == 0 && looks_like_percent(table)) {
    std::cerr << "clvsim: hint: every cohort starts at 100 and some values are "
                 "fractional, so this looks like percentages; --cohort-size N "
                 "(customers per cohort) gives correct standard errors"
              << std::endl;
  }

  const SbgFit fit = fit_sbg(cohorts);
  std::ostringstream out;
  out << "Shifted-beta-geometric churn fitted to " << args.data << "\n";
  print_read(out, table, all, last_fit);
  print_estimates(out, fit);
  print_survival(out, table, fit, last_fit);
  print_lifetimes(out, fit, discount);
  out << "\nScenario snippet (segments[].churn):\n  churn: "
      << sbg_churn_flow(fit.alpha, fit.beta) << "\n";
  std::cout << out.str() << std::flush;

  if (!args.into.empty()) {
    if (!fit.converged) {
      throw InputError("--into", {}, "",
                       "the fit did not converge, so " + args.into +
                           " was not changed",
                       "data that identify alpha and beta");
    }
    const bool se = !std::isnan(fit.alpha_se) && !std::isnan(fit.beta_se);
    const std::string comment =
        "fitted by clvsim from " + args.data + ", " +
        period_range(0, last_fit) +
        (se ? " (SE alpha " + parameter(fit.alpha_se) + ", beta " +
                  parameter(fit.beta_se) + ")"
            : " (standard errors not available)");
    write_segment_churn_sbg(args.into, args.segment, fit.alpha, fit.beta,
                            comment);
    std::cerr << "wrote the churn of segment " << args.segment << " into "
              << args.into << std::endl;
  }
  return kExitOk;
}

}  // namespace

Command add_fit_command(CLI::App& parent) {
  auto args = std::make_shared<FitArgs>();
  CLI::App* fit = parent.add_subcommand(
      "fit", "Calibrate a churn model to observed retention");
  fit->require_subcommand(1);
  fit->footer("Example:\n  clvsim fit sbg retention.csv --cohort-size 1000 "
              "--periods 7 --discount 0.1");
  CLI::App* sbg = fit->add_subcommand(
      "sbg",
      "Maximum-likelihood fit of shifted-beta-geometric churn to a CSV of "
      "survival per cohort (header period,<cohort>,...; one row per period)");
  sbg->add_option("data", args->data, "Observed survival (CSV)")
      ->required()
      ->type_name("DATA.csv");
  sbg->add_option("--periods", args->periods,
                  "Fit calendar periods 0..K only; later periods are a "
                  "holdout [default: all]")
      ->type_name("K");
  sbg->add_option("--discount", args->discount,
                  "Discount rate per period for DEL and DERL, e.g. 0.1 "
                  "[default: none, not shown]")
      ->type_name("D");
  sbg->add_option("--cohort-size", args->cohort_size,
                  "Values are percent of each cohort's starters, N customers "
                  "per cohort (sets the standard errors) [default: values are "
                  "counts]")
      ->type_name("N");
  sbg->add_option("--cohort", args->cohorts,
                  "Fit only this column; repeatable [default: all columns, "
                  "jointly]")
      ->type_name("NAME")
      ->allow_extra_args(false);
  sbg->add_option("--segment", args->segment,
                  "Segment whose churn --into sets [default: none]")
      ->type_name("NAME");
  sbg->add_option("--into", args->into,
                  "Write the fitted churn into this scenario, keeping the "
                  "rest of the file byte for byte [default: none]")
      ->type_name("SCENARIO.yaml");
  sbg->footer(
      "Examples:\n"
      "  clvsim fit sbg retention.csv --cohort-size 1000 --periods 7 "
      "--discount 0.1\n"
      "  clvsim fit sbg counts.csv --segment transactional --into "
      "buyer-types.yaml");
  return {fit, [args, sbg] {
            if (!sbg->parsed()) return kExitBadInput;
            return fit_sbg_command(*args);
          }};
}

}  // namespace clvsim::cli
