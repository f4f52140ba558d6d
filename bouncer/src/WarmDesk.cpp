#include "WarmDesk.h"

namespace verpmail {

class WarmDesk::Loan
{
public:
    explicit Loan(WarmDesk& desk) : _desk(desk), _processor(desk.borrow()) {}
    ~Loan() { _desk.giveBack(std::move(_processor)); }
    Loan(const Loan&) = delete;
    Loan& operator=(const Loan&) = delete;

    MessageProcessor& operator*() { return *_processor; }

private:
    WarmDesk& _desk;
    std::unique_ptr<MessageProcessor> _processor;
};

std::unique_ptr<MessageProcessor> WarmDesk::borrow()
{
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        if (!_idle.empty()) {
            std::unique_ptr<MessageProcessor> processor = std::move(_idle.back());
            _idle.pop_back();
            return processor;
        }
    }
    return _makeProcessor();
}

void WarmDesk::giveBack(std::unique_ptr<MessageProcessor> processor)
{
    const std::lock_guard<std::mutex> lock(_mutex);
    _idle.push_back(std::move(processor));
}

RecipientStatus WarmDesk::checkRecipient(const std::string& recipient, std::string& detail)
{
    try {
        Loan processor(*this);
        return (*processor).checkRecipient(recipient, detail);
    } catch (const std::exception& e) {
        // Only the factory or the idle list can throw here (out of memory).
        detail = e.what();
        return RecipientStatus::CannotTell;
    }
}

Outcome WarmDesk::take(const IncomingMessage& message, std::string& detail)
{
    try {
        Loan processor(*this);
        return (*processor).take(message, detail);
    } catch (const std::exception& e) {
        detail = e.what();
        return Outcome::InternalError;
    }
}

} // namespace verpmail
