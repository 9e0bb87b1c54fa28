#pragma once
// What a finished job must send: the event body and one delivery per destination (the job's
// own webhook_url and each enabled endpoint of the tenant subscribed to the event). Pure.

#include <docket/core/batch.hpp>
#include <docket/core/error.hpp>
#include <docket/core/job.hpp>
#include <docket/core/webhook.hpp>
#include <docket/deliver/address_policy.hpp>
#include <docket/deliver/config.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace docket::deliver {

//! "document.completed" for a succeeded job, "document.failed" for a failed one, "" otherwise.
std::string_view event_for(const job& j);

//! The request body of the job's event; the result is inline under max_inline_result, else
//! result_url points at it.
std::string event_payload(const job& j, std::string_view result_json, timestamp now, const config& cfg);

//! Whether an endpoint takes this event (enabled, and listed in its filter or no filter).
bool subscribed(const endpoint& e, std::string_view event);

//! The deliveries to create for a finished job, due now. `endpoints` are the tenant's.
std::vector<delivery> plan_deliveries(const job& j, std::string_view result_json, const std::vector<endpoint>& endpoints,
                                      timestamp now, const config& cfg);

//! One delivery of an existing event body to one destination, due now.
delivery make_delivery(const job& j, std::string_view event, std::string payload, std::string endpoint_id,
                       std::string url, timestamp now);

//! The batch.completed deliveries of a completed batch (counts already set), to the batch's own
//! webhook_url and the tenant's subscribed endpoints.
std::vector<delivery> plan_batch_completed(const batch_record& b, const std::vector<endpoint>& endpoints, timestamp now,
                                           const config& cfg);

//! The events docket sends; endpoint filters may name only these.
const std::vector<std::string>& known_events();

} // namespace docket::deliver
