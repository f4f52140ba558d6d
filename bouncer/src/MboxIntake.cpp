#include "MboxIntake.h"

#include "FdStream.h"
#include "FileOps.h"
#include "MailboxLock.h"
#include "MboxReader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

namespace verpmail {
namespace {

/// Appends processed messages to FILE.processed, keeping it a valid mbox.
class ProcessedMbox
{
public:
    explicit ProcessedMbox(std::string path) : _path(std::move(path)) {}

    void append(int mbox, const std::string& mboxPath, const MboxMessage& m)
    {
        if (!_fd) {
            _fd = UniqueFd(::open(_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
            if (!_fd)
                throw FileError("open " + errnoText(_path));
        }
        copyRange(mbox, m.begin, m.end, _fd.get(), mboxPath, _path);
        // The last message of a file may lack the empty line (or even the newline)
        // that must come before the next "From " line.
        if (!m.blankLineAtEnd) {
            char last = '\n';
            if (m.end > m.begin && ::pread(mbox, &last, 1, static_cast<off_t>(m.end - 1)) != 1)
                throw FileError("read " + errnoText(mboxPath));
            const char* tail = last == '\n' ? "\n" : "\n\n";
            writeAll(_fd.get(), tail, last == '\n' ? 1 : 2, _path);
        }
    }

    void sync()
    {
        if (_fd)
            syncFile(_fd.get(), _path);
    }

private:
    std::string _path;
    UniqueFd _fd;
};

/// Cuts the mailbox at `size` and syncs it.
void truncateTo(int mbox, const std::string& path, std::uint64_t size)
{
    if (::ftruncate(mbox, static_cast<off_t>(size)) != 0)
        throw FileError("truncate " + errnoText(path));
    syncFile(mbox, path);
}

/// Moves bytes [begin, end) of the mailbox to offset `from` (<= begin) and cuts it there.
void rewriteTail(int mbox, const std::string& path, std::uint64_t from, std::uint64_t begin, std::uint64_t end)
{
    const std::uint64_t keptBytes = end - begin;
    if (keptBytes == 0) {
        truncateTo(mbox, path, from);
        return;
    }
    // The kept messages are safe in a temporary file before FILE is touched.
    std::string tmpPath = path + ".verpmail-XXXXXX";
    UniqueFd tmp(::mkstemp(tmpPath.data()));
    if (!tmp)
        throw FileError("create " + errnoText(tmpPath));
    try {
        copyRange(mbox, begin, end, tmp.get(), path, tmpPath);
        syncFile(tmp.get(), tmpPath);
    } catch (...) {
        ::unlink(tmpPath.c_str());  // FILE is untouched: the copy is not needed
        throw;
    }
    try {
        // copyRange writes where the descriptor stands: FILE's is moved to `from`.
        if (::lseek(mbox, static_cast<off_t>(from), SEEK_SET) < 0)
            throw FileError("seek " + errnoText(path));
        copyRange(tmp.get(), 0, keptBytes, mbox, tmpPath, path);
        truncateTo(mbox, path, from + keptBytes);
    } catch (const FileError& e) {
        throw FileError(std::string(e.what()) + "; " + path + " may be damaged, its unprocessed messages are in " +
                        tmpPath);
    }
    ::unlink(tmpPath.c_str());
}

} // namespace

std::string processedMboxPath(const std::string& path)
{
    return path + ".processed";
}

IntakeResult processMbox(const std::string& path, std::size_t maxMessageBytes, const OutcomeHandler& handle,
                         std::chrono::seconds lockWait)
{
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW));
    if (!fd)
        throw IntakeError(IntakeError::Kind::Unreadable, "cannot open " + errnoText(path));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
        throw IntakeError(IntakeError::Kind::Unreadable, path + " is not a regular file");

    const MailboxLock lock(fd.get(), path, lockWait);
    FdInBuf buffer(fd.get());
    std::istream in(&buffer);
    MboxReader reader(in, maxMessageBytes);
    if (!reader.startsLikeMbox())
        throw IntakeError(IntakeError::Kind::Unreadable, path + " is not an mbox file (no \"From \" line first)");

    IntakeResult result;
    ProcessedMbox processed(processedMboxPath(path));
    std::uint64_t firstProcessed = 0;
    std::optional<std::uint64_t> keptFrom;  // where the messages left for the next run start
    try {
        while (auto m = reader.next()) {
            ++result.messages;
            if (!keptFrom) {
                IncomingMessage message{std::move(m->data), m->totalBytes, m->envelopeSender, "", {},
                                        "mbox=" + path + " offset=" + std::to_string(m->begin)};
                if (isRetryable(handle(message)))
                    keptFrom = m->begin;
            }
            if (keptFrom) {
                ++result.left;
                continue;
            }
            processed.append(fd.get(), path, *m);
            if (result.processed++ == 0)
                firstProcessed = m->begin;
        }
        if (buffer.failed())
            throw IntakeError(IntakeError::Kind::Unreadable, "read " + errnoText(path));
        if (result.processed == 0)
            return result;  // nothing to move: FILE is left exactly as it was

        processed.sync();
        // What is left moves up to the first processed message, with any bytes a
        // writer appended without taking the lock.
        std::uint64_t end = reader.offset();
        if (::fstat(fd.get(), &st) == 0)
            end = std::max(end, static_cast<std::uint64_t>(st.st_size));
        rewriteTail(fd.get(), path, firstProcessed, keptFrom.value_or(reader.offset()), end);
    } catch (const FileError& e) {
        throw IntakeError(IntakeError::Kind::WriteFailed, e.what());
    }
    return result;
}

} // namespace verpmail
