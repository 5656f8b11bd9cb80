package dev.discordoo.sharding.identify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.discordoo.sharding.GatewayInfo;
import dev.discordoo.sharding.IdentifyOutcome;
import dev.discordoo.sharding.IdentifyPermit;
import dev.discordoo.sharding.discord.GatewayBot;
import dev.discordoo.sharding.ipc.NanoClock;
import dev.discordoo.sharding.ipc.RequestFailedException;
import dev.discordoo.sharding.ipc.ShardingThreads;
import dev.discordoo.sharding.protocol.ErrorCode;

/**
 * Paces the IDENTIFYs of every instance of the bot by Discord's rules, which are global to
 * the bot and so cannot be kept by each instance on its own:
 * <ul>
 * <li>a shard's bucket is {@code shard_id % max_concurrency}; a bucket gets one permit, and
 * the next only once the previous one's outcome is reported (or its permit timed out) and
 * the identify interval (5 s plus a margin) has passed since it was granted;</li>
 * <li>within a bucket, shards that were granted fewer identifies go first, then lower shard
 * ids: a first start runs in ascending shard order, and an instance that keeps crashing
 * cannot starve the others' first identifies;</li>
 * <li>while no more than the reserve of the daily budget is left, no permit is granted at
 * all (running out resets the bot's token); the waiting permits are held until the budget
 * resets;</li>
 * <li>a permit is only for the instance that runs the shard, at most one per shard is
 * waiting or held, and an instance that is lost loses its waiting permits and frees what it
 * held.</li>
 * </ul>
 * Thread-safe. Futures are completed and observers told outside the broker's lock.
 */
public final class IdentifyBroker implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(IdentifyBroker.class);

	private static final Duration REFRESH_RETRY = Duration.ofMinutes(1);

	private final GatewayInfo gateway;

	private final Duration interval;

	private final Duration permitTimeout;

	private final @Nullable IdentifyBudget budget;

	private final IntUnaryOperator ownerOfShard;

	private volatile IdentifyGate gate = IdentifyGate.OPEN;

	private final List<IdentifyObserver> observers = new CopyOnWriteArrayList<>();

	private final ScheduledExecutorService scheduler;

	private final NanoClock clock;

	private final Bucket[] buckets;

	private final Map<Integer, Waiter> waitingByShard = new HashMap<>();

	private final Map<Integer, Integer> grantsOfShard = new HashMap<>();

	private long sequence;

	private long granted;

	private boolean closed;

	private boolean holdLogged;

	private boolean refreshScheduled;

	private @Nullable ScheduledFuture<?> wakeUp;

	private long wakeUpAtNanos = Long.MAX_VALUE;

	/**
	 * Create a broker.
	 * @param gateway the gateway URL, total shards and {@code max_concurrency}
	 * @param interval the least time between two permits of one bucket
	 * @param permitTimeout how long a permit holds its bucket when no outcome is reported
	 * @param budget the daily budget, or {@code null} when it is unknown (no Discord token)
	 * @param ownerOfShard the index of the instance that runs a shard, or a negative number
	 * when none of this manager's instances does
	 */
	public IdentifyBroker(GatewayInfo gateway, Duration interval, Duration permitTimeout,
			@Nullable IdentifyBudget budget, IntUnaryOperator ownerOfShard) {
		this(gateway, interval, permitTimeout, budget, ownerOfShard, scheduler(), NanoClock.SYSTEM);
	}

	/**
	 * Create a broker on a timer and clock of the caller's, so that a test can move time by
	 * hand; the budget must measure with the same clock.
	 * @param gateway the gateway URL, total shards and {@code max_concurrency}
	 * @param interval the least time between two permits of one bucket
	 * @param permitTimeout how long a permit holds its bucket when no outcome is reported
	 * @param budget the daily budget, or {@code null} when it is unknown (no Discord token)
	 * @param ownerOfShard the index of the instance that runs a shard, or a negative number
	 * when none of this manager's instances does
	 * @param scheduler runs wake-ups, permit expiries and budget refreshes; shut down with the
	 * broker
	 * @param clock measures intervals and waits
	 */
	public IdentifyBroker(GatewayInfo gateway, Duration interval, Duration permitTimeout,
			@Nullable IdentifyBudget budget, IntUnaryOperator ownerOfShard, ScheduledExecutorService scheduler,
			NanoClock clock) {
		if (gateway.maxConcurrency() < 1) {
			throw new IllegalArgumentException("max_concurrency must be at least 1, was " + gateway.maxConcurrency());
		}
		this.gateway = gateway;
		this.interval = interval;
		this.permitTimeout = permitTimeout;
		this.budget = budget;
		this.ownerOfShard = ownerOfShard;
		this.scheduler = scheduler;
		this.clock = clock;
		this.buckets = new Bucket[gateway.maxConcurrency()];
		long now = clock.nanoTime();
		for (int i = 0; i < this.buckets.length; i++) {
			this.buckets[i] = new Bucket(i, now);
		}
	}

	/**
	 * Share the buckets with other managers of the same bot (the nodes of a cluster): a
	 * permit is granted only once the gate lets its bucket go too. Set before the first
	 * request.
	 * @param gate the gate the managers share
	 */
	public void setGate(IdentifyGate gate) {
		this.gate = gate;
	}

	private static ScheduledExecutorService scheduler() {
		// two threads: a budget refresh may wait on Discord while permits expire
		return ShardingThreads.scheduledDaemons("discordoo-identify-", 2);
	}

	/**
	 * Register an observer told of grants, refusals and releases, such as metrics.
	 * @param observer the observer
	 */
	public void addObserver(IdentifyObserver observer) {
		this.observers.add(observer);
	}

	/**
	 * Return what instances need to connect.
	 * @return the gateway information
	 */
	public GatewayInfo gateway() {
		return this.gateway;
	}

	/**
	 * Ask for leave to identify a shard.
	 * @param instance the asking instance's index
	 * @param attemptId the asking instance's snowflake (its current spawn)
	 * @param shardId the shard
	 * @return the permit once granted; failed at once with a {@link RequestFailedException}
	 * when refused
	 */
	public CompletableFuture<IdentifyPermit> request(int instance, String attemptId, int shardId) {
		List<Runnable> after = new ArrayList<>();
		CompletableFuture<IdentifyPermit> permit;
		synchronized (this) {
			RequestFailedException refusal = refusal(instance, shardId);
			if (refusal != null) {
				after.add(() -> this.observers.forEach((observer) -> observer.onRefused(refusal.code())));
				permit = CompletableFuture.failedFuture(refusal);
			}
			else {
				// one clock reading: a permit granted at once has waited for nothing
				long now = this.clock.nanoTime();
				Waiter waiter = new Waiter(instance, attemptId, shardId,
						this.grantsOfShard.getOrDefault(shardId, 0), this.sequence++, now);
				this.buckets[bucketOf(shardId)].waiting.add(waiter);
				this.waitingByShard.put(shardId, waiter);
				permit = waiter.permit;
				pump(after, now);
			}
		}
		after.forEach(Runnable::run);
		return permit;
	}

	/**
	 * Take an instance's report of how a permitted identify ended; frees the bucket.
	 * @param instance the reporting instance's index
	 * @param attemptId the reporting instance's snowflake
	 * @param shardId the shard
	 * @param outcome how it ended
	 * @throws RequestFailedException ({@code NO_PERMIT}) when that instance holds no permit
	 * for the shard
	 */
	public void report(int instance, String attemptId, int shardId, IdentifyOutcome outcome) {
		List<Runnable> after = new ArrayList<>();
		synchronized (this) {
			Bucket bucket = this.buckets[bucketOf(Math.max(shardId, 0))];
			Held held = bucket.held;
			if (held == null || held.waiter.shardId != shardId || !held.waiter.attemptId.equals(attemptId)) {
				throw new RequestFailedException(ErrorCode.NO_PERMIT,
						"instance " + instance + " holds no identify permit for shard " + shardId);
			}
			if (outcome == IdentifyOutcome.INVALID_SESSION) {
				logger.warn("Shard " + shardId + " of instance " + instance
						+ " got INVALID_SESSION for a permitted identify: it still counts against the daily budget");
			}
			release(bucket, PermitRelease.of(outcome), after);
			pump(after);
		}
		after.forEach(Runnable::run);
	}

	/**
	 * Forget an instance that is lost or stopped: its waiting permits are dropped (failed
	 * with {@code LINK_LOST}) and the buckets it held are freed.
	 * @param instance the instance's index
	 * @param attemptId the snowflake of the spawn that is gone
	 */
	public void instanceGone(int instance, String attemptId) {
		List<Runnable> after = new ArrayList<>();
		synchronized (this) {
			for (Bucket bucket : this.buckets) {
				for (Iterator<Waiter> waiters = bucket.waiting.iterator(); waiters.hasNext();) {
					Waiter waiter = waiters.next();
					if (waiter.attemptId.equals(attemptId)) {
						waiters.remove();
						this.waitingByShard.remove(waiter.shardId);
						after.add(() -> waiter.permit.completeExceptionally(new RequestFailedException(
								ErrorCode.LINK_LOST, "instance " + instance + " is gone")));
					}
				}
				if (bucket.held != null && bucket.held.waiter.attemptId.equals(attemptId)) {
					release(bucket, PermitRelease.INSTANCE_GONE, after);
				}
			}
			pump(after);
		}
		after.forEach(Runnable::run);
	}

	/**
	 * Return what the broker is doing now.
	 * @return the status
	 */
	public synchronized IdentifyStatus status() {
		int held = 0;
		for (Bucket bucket : this.buckets) {
			held += (bucket.held != null) ? 1 : 0;
		}
		return new IdentifyStatus(this.gateway.maxConcurrency(), this.interval, this.waitingByShard.size(), held,
				this.granted, (this.budget != null) ? this.budget.view() : null);
	}

	/** Refuse every waiting permit and stop the broker's timers: the manager is stopping. */
	@Override
	public void close() {
		List<Waiter> dropped = new ArrayList<>();
		synchronized (this) {
			this.closed = true;
			for (Bucket bucket : this.buckets) {
				dropped.addAll(bucket.waiting);
				bucket.waiting.clear();
			}
			this.waitingByShard.clear();
		}
		this.scheduler.shutdownNow();
		dropped.forEach((waiter) -> waiter.permit.completeExceptionally(
				new RequestFailedException(ErrorCode.NOT_CONNECTED, "the sharding manager is stopping")));
	}

	private @Nullable RequestFailedException refusal(int instance, int shardId) {
		if (this.closed) {
			return new RequestFailedException(ErrorCode.NOT_CONNECTED, "the sharding manager is stopping");
		}
		if (shardId < 0 || shardId >= this.gateway.totalShards()) {
			return new RequestFailedException(ErrorCode.SHARD_NOT_OWNED, "shard " + shardId
					+ " does not exist: shards are 0 to " + (this.gateway.totalShards() - 1));
		}
		int owner = this.ownerOfShard.applyAsInt(shardId);
		if (owner != instance) {
			return new RequestFailedException(ErrorCode.SHARD_NOT_OWNED, "instance " + instance
					+ " does not run shard " + shardId + ((owner >= 0) ? " (instance " + owner + " does)" : ""));
		}
		Held held = this.buckets[bucketOf(shardId)].held;
		if (this.waitingByShard.containsKey(shardId) || (held != null && held.waiter.shardId == shardId)) {
			return new RequestFailedException(ErrorCode.PERMIT_PENDING, "shard " + shardId
					+ " already has an identify permit waiting or held: report its outcome before asking again");
		}
		return null;
	}

	/** Grant what may be granted now, and wake up when the next bucket frees. Under the lock. */
	private void pump(List<Runnable> after) {
		pump(after, this.clock.nanoTime());
	}

	private void pump(List<Runnable> after, long now) {
		if (this.closed) {
			return;
		}
		long next = Long.MAX_VALUE;
		boolean heldByBudget = false;
		// ascending bucket order: when several buckets are free, the lower one goes first
		for (Bucket bucket : this.buckets) {
			if (bucket.held != null || bucket.waiting.isEmpty()) {
				continue;
			}
			if (now - bucket.nextFreeNanos < 0) {
				next = Math.min(next, bucket.nextFreeNanos);
				continue;
			}
			long gateWait = this.gate.tryTake(bucket.index);
			if (gateWait > 0) {
				// another manager of the bot identifies in this bucket: ask the gate again later
				next = Math.min(next, now + gateWait);
				continue;
			}
			if (this.budget != null && !this.budget.tryTake()) {
				this.gate.giveBack(bucket.index, false);
				heldByBudget = true;
				continue;
			}
			grant(bucket, bucket.waiting.pollFirst(), now, after);
		}
		if (heldByBudget) {
			holdForBudget();
		}
		if (next != Long.MAX_VALUE && (this.wakeUp == null || next - this.wakeUpAtNanos < 0)) {
			if (this.wakeUp != null) {
				this.wakeUp.cancel(false);
			}
			this.wakeUpAtNanos = next;
			this.wakeUp = this.scheduler.schedule(this::onWakeUp, next - now, TimeUnit.NANOSECONDS);
		}
	}

	private void onWakeUp() {
		List<Runnable> after = new ArrayList<>();
		synchronized (this) {
			this.wakeUp = null;
			this.wakeUpAtNanos = Long.MAX_VALUE;
			pump(after);
		}
		after.forEach(Runnable::run);
	}

	private void grant(Bucket bucket, Waiter waiter, long now, List<Runnable> after) {
		this.waitingByShard.remove(waiter.shardId);
		Held held = new Held(waiter);
		bucket.held = held;
		bucket.nextFreeNanos = now + this.interval.toNanos();
		held.expiry = this.scheduler.schedule(() -> expire(bucket, held), this.permitTimeout.toNanos(),
				TimeUnit.NANOSECONDS);
		this.grantsOfShard.merge(waiter.shardId, 1, Integer::sum);
		this.granted++;
		Duration waited = Duration.ofNanos(now - waiter.askedNanos);
		Integer remaining = (this.budget != null) ? this.budget.remaining() : null;
		IdentifyPermit permit = new IdentifyPermit(waiter.shardId, bucket.index, waited, remaining);
		if (logger.isInfoEnabled()) {
			logger.info("Identify permit: shard " + waiter.shardId + " (bucket " + bucket.index + ") to instance "
					+ waiter.instance + " after " + waited.toMillis() + " ms"
					+ ((remaining != null) ? "; " + remaining + " identifies left today" : ""));
		}
		after.add(() -> {
			this.observers.forEach((observer) -> observer.onGranted(waiter.shardId, waited));
			waiter.permit.complete(permit);
		});
	}

	private void expire(Bucket bucket, Held held) {
		List<Runnable> after = new ArrayList<>();
		synchronized (this) {
			if (bucket.held != held) {
				return;
			}
			logger.warn("No identify outcome reported for shard " + held.waiter.shardId + " by instance "
					+ held.waiter.instance + " within " + this.permitTimeout.toMillis() + " ms: freeing bucket "
					+ bucket.index);
			release(bucket, PermitRelease.EXPIRED, after);
			pump(after);
		}
		after.forEach(Runnable::run);
	}

	private void release(Bucket bucket, PermitRelease why, List<Runnable> after) {
		Held held = bucket.held;
		if (held == null) {
			return;
		}
		bucket.held = null;
		this.gate.giveBack(bucket.index, true);
		if (held.expiry != null) {
			held.expiry.cancel(false);
		}
		after.add(() -> this.observers.forEach((observer) -> observer.onReleased(why)));
	}

	/** The budget is at its reserve: say so once, and read it again when it resets. */
	private void holdForBudget() {
		if (!this.holdLogged) {
			this.holdLogged = true;
			logger.error("Identify permits held: " + status().holdReason() + ". Instances that need to identify "
					+ "wait; sessions already up are not touched.");
		}
		IdentifyBudget budget = this.budget;
		if (budget != null && !this.refreshScheduled) {
			this.refreshScheduled = true;
			long delay = Math.max(0, budget.resetAtNanos() - this.clock.nanoTime());
			this.scheduler.schedule(this::refreshBudget, delay, TimeUnit.NANOSECONDS);
		}
	}

	private void refreshBudget() {
		IdentifyBudget budget = this.budget;
		if (budget == null) {
			return;
		}
		GatewayBot.SessionStartLimit limit;
		try {
			limit = budget.fetchAfterReset();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not read the identify budget after its reset (" + ex.getMessage() + "); trying again in "
					+ REFRESH_RETRY.toSeconds() + " s");
			synchronized (this) {
				if (!this.closed) {
					this.scheduler.schedule(this::refreshBudget, REFRESH_RETRY.toNanos(), TimeUnit.NANOSECONDS);
				}
			}
			return;
		}
		List<Runnable> after = new ArrayList<>();
		synchronized (this) {
			budget.update(limit);
			this.refreshScheduled = false;
			if (!budget.exhausted()) {
				this.holdLogged = false;
				logger.info("Identify budget reset: " + limit.remaining() + " of " + limit.total()
						+ " identifies left; granting permits again");
			}
			pump(after);
		}
		after.forEach(Runnable::run);
	}

	private int bucketOf(int shardId) {
		return shardId % this.buckets.length;
	}

	/** One rate-limit bucket: its waiting permits, in grant order, and the one it holds. */
	private static final class Bucket {

		// fewest identifies granted first, then the lowest shard, then first come
		private static final Comparator<Waiter> ORDER = Comparator.comparingInt((Waiter waiter) -> waiter.grantsBefore)
			.thenComparingInt((waiter) -> waiter.shardId)
			.thenComparingLong((waiter) -> waiter.sequence);

		final int index;

		final TreeSet<Waiter> waiting = new TreeSet<>(ORDER);

		@Nullable Held held;

		long nextFreeNanos;

		Bucket(int index, long now) {
			this.index = index;
			this.nextFreeNanos = now;
		}

	}

	private static final class Waiter {

		final int instance;

		final String attemptId;

		final int shardId;

		final int grantsBefore;

		final long sequence;

		final long askedNanos;

		final CompletableFuture<IdentifyPermit> permit = new CompletableFuture<>();

		Waiter(int instance, String attemptId, int shardId, int grantsBefore, long sequence, long askedNanos) {
			this.instance = instance;
			this.attemptId = attemptId;
			this.shardId = shardId;
			this.grantsBefore = grantsBefore;
			this.sequence = sequence;
			this.askedNanos = askedNanos;
		}

	}

	private static final class Held {

		final Waiter waiter;

		@Nullable ScheduledFuture<?> expiry;

		Held(Waiter waiter) {
			this.waiter = waiter;
		}

	}

}
