// The journal writer's run loop: producers queue requests, one thread takes them in
// batches, takes the next batch early while a COMMIT runs (and puts it back if that batch
// fails), retries a refused batch one by one, and settles a batch whose COMMIT lost its
// connection. One batch's work is in writer_commit.cpp.
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <system_error>

#include "db/errors.hpp"
#include "db/sql.hpp"
#include "db/writer_impl.hpp"

namespace riziki::db {

namespace {

// Every read of the writer is a probe by key: never a sequential scan, even when the
// statistics were taken while the tables were nearly empty (see migration 0012).
constexpr const char* kNoSeqScan = "SET enable_seqscan = off";

// Whether a commit whose answer was lost reached the database: its last entry's hash.
constexpr const char* kSelectEntryHash = "SELECT encode(hash, 'hex') FROM entries WHERE seq = :s";

}  // namespace

std::vector<Pending*> pointers_to(std::vector<Pending>& batch) {
    std::vector<Pending*> items;
    items.reserve(batch.size());
    for (auto& pending : batch)
        items.push_back(&pending);
    return items;
}

JournalWriter::JournalWriter(std::string conninfo, WriterOptions options)
    : impl_(std::make_unique<Impl>()) {
    impl_->conninfo = std::move(conninfo);
    impl_->options = options;
    if (impl_->options.batch_max == 0)
        impl_->options.batch_max = 1;
    impl_->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (impl_->wake_fd < 0)
        throw std::system_error(errno, std::generic_category(), "eventfd");
    impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

JournalWriter::~JournalWriter() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->ready.notify_all();
    impl_->thread.join();
    ::close(impl_->wake_fd);
}

std::future<WriteOutcome> JournalWriter::submit(WriteRequest request) {
    if (request.idempotency)
        RIZIKI_ASSERT(impl_->options.render_response != nullptr);
    Pending pending{std::move(request), {}};
    auto future = pending.promise.get_future();
    bool wake = false;
    {
        std::unique_lock lock(impl_->mutex);
        impl_->space.wait(lock, [&] { return impl_->queue.size() < impl_->options.queue_max; });
        impl_->queue.push_back(std::move(pending));
        wake = impl_->wake_at != 0 && impl_->queue.size() == impl_->wake_at;
    }
    impl_->ready.notify_one();
    if (wake) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(impl_->wake_fd, &one, sizeof one);
    }
    return future;
}

WriterStats JournalWriter::stats() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->stats;
}

void JournalWriter::Impl::run() {
    for (;;) {
        std::vector<Pending> batch;
        if (!next_batch.empty()) {
            batch = std::move(next_batch);
            next_batch.clear();
            process(batch, true);
            continue;
        }
        {
            std::unique_lock lock(mutex);
            if (queue.empty() && !unanswered.empty()) {
                lock.unlock();
                answer_unanswered();  // no next batch to overlap with
                lock.lock();
            }
            ready.wait(lock, [&] { return stopping || !queue.empty(); });
            if (queue.empty())
                return;  // stopping with nothing left to answer
            take_queued(batch);
        }
        space.notify_all();
        process(batch, true);
    }
}

void JournalWriter::Impl::take_queued(std::vector<Pending>& batch) {
    const std::size_t take = std::min(queue.size(), options.batch_max);
    for (std::size_t i = 0; i < take; ++i) {
        batch.push_back(std::move(queue.front()));
        queue.pop_front();
    }
}

void JournalWriter::Impl::ensure_connected() {
    if (connected)
        return;
    sql.close();  // drops a dead backend, if any, so the session can open again
    open_session(sql, conninfo);
    sql << kNoSeqScan;
    connected = true;
    context_version = -1;
    kept.clear();
}

void JournalWriter::Impl::process(std::vector<Pending>& batch, bool take_next_early) {
    auto items = pointers_to(batch);
    std::vector<WriteOutcome> outcomes;
    try {
        ensure_connected();
        outcomes = commit(items, take_next_early);
    } catch (const std::exception& error) {
        answer_unanswered();  // the batch before committed, whatever becomes of this one
        kept.clear();         // what the batch read or changed may not have landed
        if (!connected || !sql.is_connected()) {
            // The connection is gone. If it went during COMMIT the batch may have landed:
            // look before answering, so an entry is never written twice nor lost silently.
            auto confirmed = confirm_in_doubt();
            if (!confirmed) {
                fail_all(items, error);
                return;
            }
            outcomes = std::move(*confirmed);
        } else if (items.size() > 1) {
            // One bad entry (or a race another process won) fails the whole batch: retry
            // its entries one by one so it costs only itself.
            {
                std::lock_guard lock(mutex);
                ++stats.split;
            }
            for (auto* item : items) {
                std::vector<Pending> single;
                single.push_back(std::move(*item));
                process(single, false);
            }
            return;
        } else if (const auto* sql_error = dynamic_cast<const soci::soci_error*>(&error);
                   sql_error != nullptr && rejection_from_error(*sql_error)) {
            outcomes.push_back(rejected(*rejection_from_error(*sql_error)));
        } else {
            items[0]->promise.set_exception(std::current_exception());
            return;
        }
    }
    record(outcomes);
    // Answered once the next batch's writes and COMMIT are on their way (or when the queue
    // is empty): waking the waiting handlers then overlaps PostgreSQL's longest stretch of
    // work, and leaves the writer and PostgreSQL the two cores while they read the head
    // and screen the batch.
    for (std::size_t i = 0; i < items.size(); ++i)
        unanswered.emplace_back(std::move(items[i]->promise), std::move(outcomes[i]));
}

void JournalWriter::Impl::answer_unanswered() {
    for (auto& [promise, outcome] : unanswered)
        promise.set_value(std::move(outcome));
    answered_last = unanswered.size();
    unanswered.clear();
}

void JournalWriter::Impl::record(const std::vector<WriteOutcome>& outcomes) {
    std::lock_guard lock(mutex);
    std::uint64_t committed = 0;
    for (const auto& outcome : outcomes) {
        committed += outcome.kind == WriteOutcome::Kind::committed ? 1 : 0;
        stats.rejected += outcome.kind == WriteOutcome::Kind::rejected ? 1 : 0;
    }
    stats.batches += committed > 0 ? 1 : 0;
    stats.entries += committed;
    stats.batch_size_max = std::max(stats.batch_size_max, committed);
}

void JournalWriter::Impl::fail_all(std::vector<Pending*>& items, const std::exception& error) {
    const auto failure = std::make_exception_ptr(DatabaseUnavailable(error.what()));
    for (auto* item : items)
        item->promise.set_exception(failure);
}

std::optional<std::vector<WriteOutcome>> JournalWriter::Impl::confirm_in_doubt() {
    connected = false;
    if (!in_doubt)
        return std::nullopt;  // failed before COMMIT: the server rolled it back
    in_doubt = false;
    try {
        ensure_connected();
        std::string stored;
        soci::indicator found = soci::i_null;
        const long long seq = in_doubt_seq;
        sql << kSelectEntryHash, soci::use(seq), soci::into(stored, found);
        if (sql.got_data() && found == soci::i_ok && stored == ledger::to_hex(in_doubt_hash)) {
            return std::move(in_doubt_outcomes);
        }
    } catch (const std::exception&) {
        connected = false;  // still unreachable: the caller reports the database unavailable
    }
    return std::nullopt;
}

void JournalWriter::Impl::take_next(Pipeline& writes) {
    // The requests just answered come back within a fraction of the COMMIT's time: once
    // as many are queued, they are the next batch, and its first round trip goes behind
    // the COMMIT, so PostgreSQL starts on it with no round trip in between. The writer
    // waits for them or for the COMMIT's answer, whichever comes first; after the answer,
    // the next batch is taken as before, from all that is queued by then.
    const std::size_t want = answered_last;
    if (want == 0)
        return;
    bool wait = false;
    {
        std::lock_guard lock(mutex);
        wait = queue.size() < want;
        if (wait)
            wake_at = want;
    }
    if (wait) {
        pollfd fds[] = {{writes.socket(), POLLIN, 0}, {wake_fd, POLLIN, 0}};
        ::poll(fds, 2, 10);  // ms; the COMMIT answers well before
    }
    // Emptied whatever woke it: a late wake-up left over only cuts a later wait short.
    std::uint64_t count = 0;
    [[maybe_unused]] const auto read = ::read(wake_fd, &count, sizeof count);
    {
        std::lock_guard lock(mutex);
        wake_at = 0;
        if (queue.size() < want)
            return;
        take_queued(next_batch);
        ++stats.taken_early;
    }
    space.notify_all();
    try {
        next_round = send_first_round(pointers_to(next_batch));
    } catch (const std::exception&) {
        // Half sent, on a connection that refused it: what comes back can no longer be
        // told apart from the COMMIT's answer. The caller finds out on a new connection
        // whether the batch landed (confirm_in_doubt).
        connected = false;
        put_back_next();
        throw;
    }
    writes.followed();
}

void JournalWriter::Impl::put_back_next() {
    if (next_round) {
        try {
            next_round->pipeline->run();  // drained: the caller's ROLLBACK ends its transaction
        } catch (const std::exception&) {
            // read and discarded; the batch runs again from the queue
        }
        next_round.reset();
    }
    if (next_batch.empty())
        return;
    {
        std::lock_guard lock(mutex);
        for (auto it = next_batch.rbegin(); it != next_batch.rend(); ++it)
            queue.push_front(std::move(*it));
        ++stats.put_back;
    }
    next_batch.clear();
}

}  // namespace riziki::db
