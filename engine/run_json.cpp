// run.json: everything about a run that is allowed to differ between two runs
// of the same scenario (threads, timing, host, build), kept out of
// summary.json so that file stays byte-identical.
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "clvsim/outputs.hpp"

#ifndef CLVSIM_VERSION
#define CLVSIM_VERSION "unknown"
#endif

namespace clvsim {
namespace {

using Json = nlohmann::ordered_json;

Json number(double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); }

std::string host_name() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return {};
  return buf;
}

std::string utc_timestamp() {
  std::time_t now =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A relative path means nothing once run.json is copied elsewhere.
std::string absolute_path(const std::string& path) {
  if (path.empty()) return path;
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

}  // namespace

std::string run_json(const Results& results, const Scenario& scenario) {
  const RunStatistics& stats = results.statistics;
  Json j = Json::object();
  j["version"] = CLVSIM_VERSION;
#ifdef NDEBUG
  j["build_type"] = "Release-ish (NDEBUG)";
#else
  j["build_type"] = "Debug (assertions on)";
#endif
#ifdef __VERSION__
  j["compiler"] = __VERSION__;
#endif
  j["timestamp_utc"] = utc_timestamp();
  j["host"] = host_name();
  j["scenario"] = results.scenario;
  j["scenario_file"] = absolute_path(scenario.source_file);
  j["seed"] = results.seed;
  j["replications"] = results.replications;
  j["threads"] = stats.threads;
  j["wall_seconds"] = number(stats.wall_seconds);
  j["active_customer_periods"] = number(stats.active_customer_periods);
  j["acp_per_second"] =
      stats.wall_seconds > 0
          ? number(stats.active_customer_periods / stats.wall_seconds)
          : Json(nullptr);
  if (const auto& p = stats.precision) {
    j["precision"] = {{"target", p->target},
                      {"metric", p->metric},
                      {"segment", p->segment},
                      {"batch", p->batch},
                      {"max_replications", p->max_replications},
                      {"met", p->met},
                      {"widest", p->widest},
                      {"ci95_half_width", number(p->half_width)},
                      {"needed", number(p->needed)}};
  }
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace clvsim
