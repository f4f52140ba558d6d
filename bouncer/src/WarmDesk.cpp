#include "WarmDesk.h"

namespace verpmail {

template <typename Result, typename Call>
Result WarmDesk::lend(Result onFailure, std::string& detail, const Call& call)
{
    try {
        std::unique_ptr<MessageProcessor> processor;
        {
            const std::lock_guard<std::mutex> lock(_mutex);
            if (!_idle.empty()) {
                processor = std::move(_idle.back());
                _idle.pop_back();
            }
        }
        if (!processor)
            processor = _makeProcessor();
        // The processor's calls never throw: it goes back to the idle list after each.
        const Result result = call(*processor);
        const std::lock_guard<std::mutex> lock(_mutex);
        _idle.push_back(std::move(processor));
        return result;
    } catch (const std::exception& e) {
        // Only the factory or the idle list can throw here (out of memory).
        detail = e.what();
        return onFailure;
    }
}

RecipientStatus WarmDesk::checkRecipient(const std::string& recipient, std::string& detail)
{
    return lend(RecipientStatus::CannotTell, detail,
                [&](MessageProcessor& processor) { return processor.checkRecipient(recipient, detail); });
}

Outcome WarmDesk::take(const IncomingMessage& message, std::string& detail)
{
    return lend(Outcome::InternalError, detail,
                [&](MessageProcessor& processor) { return processor.take(message, detail); });
}

} // namespace verpmail
