package dev.discordoo.sharding.identify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.discordoo.sharding.GatewayInfo;
import dev.discordoo.sharding.IdentifyOutcome;
import dev.discordoo.sharding.IdentifyPermit;
import dev.discordoo.sharding.discord.GatewayBot;
import dev.discordoo.sharding.ipc.ManualTime;
import dev.discordoo.sharding.ipc.RequestFailedException;
import dev.discordoo.sharding.protocol.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The broker's rules, with real time at short intervals: spacing is asserted as a lower
 * bound only (what Discord enforces), never as an upper one.
 */
class IdentifyBrokerTests {

	private static final Duration INTERVAL = Duration.ofMillis(100);

	private static final Duration ARRIVAL_SLACK = Duration.ofMillis(5);

	private final Queue<Grant> grants = new ConcurrentLinkedQueue<>();

	private final Queue<PermitRelease> releases = new ConcurrentLinkedQueue<>();

	private final List<IdentifyBroker> brokers = new ArrayList<>();

	private final IdentifyObserver observer = new IdentifyObserver() {

		@Override
		public void onReleased(PermitRelease release) {
			IdentifyBrokerTests.this.releases.add(release);
		}

	};

	@AfterEach
	void closeBrokers() {
		this.brokers.forEach(IdentifyBroker::close);
	}

	@Test
	void oneBucketGrantsInAscendingShardOrderAnIntervalApart() {
		// 4 shards, two per instance, asked for in reverse order
		IdentifyBroker broker = broker(4, 1, INTERVAL, null);
		List<CompletableFuture<IdentifyPermit>> permits = new ArrayList<>();
		for (int shard = 3; shard >= 0; shard--) {
			permits.add(askAndReport(broker, shard / 2, shard, IdentifyOutcome.READY));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.grants.size() == 4);
		List<Grant> inOrder = List.copyOf(this.grants);
		// the first request may be granted at once, before the others arrive; the rest go in shard order
		assertThat(inOrder.subList(1, 4)).extracting(Grant::shard).isSorted();
		assertSpacedPerBucket(inOrder, 1, INTERVAL);
		assertThat(permits).allSatisfy((permit) -> assertThat(permit).isCompleted());
		assertThat(broker.status().granted()).isEqualTo(4);
	}

	@Test
	void startsInAscendingShardOrderWhenAllAskBeforeTheFirstGrant() {
		IdentifyBroker broker = broker(4, 1, INTERVAL, null);
		// shard 0 is granted at once and holds the bucket until it is reported
		CompletableFuture<IdentifyPermit> first = broker.request(0, "i0", 0);
		assertThat(first).isCompleted();
		for (int shard = 3; shard >= 1; shard--) {
			askAndReport(broker, shard / 2, shard, IdentifyOutcome.READY);
		}
		broker.report(0, "i0", 0, IdentifyOutcome.READY);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.grants.size() == 3);
		assertThat(this.grants).extracting(Grant::shard).containsExactly(1, 2, 3);
	}

	@Test
	void bucketsIdentifyInParallelAndEachIsPacedOnItsOwn() {
		IdentifyBroker broker = broker(8, 4, INTERVAL, null);
		for (int shard = 7; shard >= 0; shard--) {
			askAndReport(broker, shard / 2, shard, IdentifyOutcome.READY);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.grants.size() == 8);
		List<Grant> inOrder = List.copyOf(this.grants);
		assertSpacedPerBucket(inOrder, 4, INTERVAL);
		// all four buckets went before any bucket's second shard
		assertThat(inOrder.subList(0, 4)).extracting((grant) -> grant.shard() % 4).containsExactlyInAnyOrder(0, 1, 2, 3);
	}

	@Test
	void aBucketWaitsForTheOutcomeOfItsPermitEvenAfterTheInterval() {
		IdentifyBroker broker = broker(2, 1, Duration.ofMillis(10), null);
		assertThat(broker.request(0, "i0", 0)).isCompleted();
		CompletableFuture<IdentifyPermit> second = broker.request(0, "i0", 1);
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !second.isDone());
		broker.report(0, "i0", 0, IdentifyOutcome.READY);
		await().atMost(Duration.ofSeconds(5)).until(second::isDone);
		assertThat(second.join().shardId()).isEqualTo(1);
		assertThat(this.releases).containsExactly(PermitRelease.READY);
	}

	@Test
	void aPermitWithoutOutcomeFreesItsBucketAfterThePermitTimeout() {
		IdentifyBroker broker = new IdentifyBroker(gateway(2, 1), Duration.ofMillis(10), Duration.ofMillis(200), null,
				(shard) -> shard);
		broker.addObserver(this.observer);
		this.brokers.add(broker);
		assertThat(broker.request(0, "i0", 0)).isCompleted();
		CompletableFuture<IdentifyPermit> second = broker.request(1, "i1", 1);
		await().atMost(Duration.ofSeconds(5)).until(second::isDone);
		assertThat(this.releases).containsExactly(PermitRelease.EXPIRED);
		// the expired permit can no longer be reported
		assertThatExceptionOfType(RequestFailedException.class)
			.isThrownBy(() -> broker.report(0, "i0", 0, IdentifyOutcome.READY))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.NO_PERMIT));
	}

	@Test
	void refusesShardsTheInstanceDoesNotRunAndSecondPermitsAndChangesNothingElse() {
		IdentifyBroker broker = broker(4, 1, INTERVAL, null);
		assertThat(broker.request(0, "i0", 0)).isCompleted();
		CompletableFuture<IdentifyPermit> waiting = broker.request(1, "i1", 2);
		assertThat(refusal(broker.request(0, "i0", 2))).satisfies((ex) -> {
			assertThat(ex.code()).isEqualTo(ErrorCode.SHARD_NOT_OWNED);
			assertThat(ex.getMessage()).contains("shard 2").contains("instance 1 does");
		});
		assertThat(refusal(broker.request(0, "i0", 9))).satisfies((ex) -> {
			assertThat(ex.code()).isEqualTo(ErrorCode.SHARD_NOT_OWNED);
			assertThat(ex.getMessage()).contains("shard 9 does not exist");
		});
		assertThat(refusal(broker.request(0, "i0", 0)).code()).isEqualTo(ErrorCode.PERMIT_PENDING);
		assertThat(refusal(broker.request(1, "i1", 2)).code()).isEqualTo(ErrorCode.PERMIT_PENDING);
		assertThatExceptionOfType(RequestFailedException.class)
			.isThrownBy(() -> broker.report(1, "i1", 3, IdentifyOutcome.READY))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.NO_PERMIT));
		// the refusals took nothing from the permits already there
		assertThat(broker.status().waiting()).isEqualTo(1);
		assertThat(broker.status().held()).isEqualTo(1);
		broker.report(0, "i0", 0, IdentifyOutcome.READY);
		await().atMost(Duration.ofSeconds(5)).until(waiting::isDone);
		assertThat(waiting.join().shardId()).isEqualTo(2);
	}

	@Test
	void aLostInstanceLosesItsWaitingPermitsAndFreesItsBucket() {
		IdentifyBroker broker = broker(4, 1, Duration.ofMillis(10), null);
		assertThat(broker.request(0, "i0", 0)).isCompleted();
		CompletableFuture<IdentifyPermit> lostWaiter = broker.request(0, "i0", 1);
		CompletableFuture<IdentifyPermit> other = broker.request(1, "i1", 2);
		broker.instanceGone(0, "i0");
		assertThat(refusal(lostWaiter).code()).isEqualTo(ErrorCode.LINK_LOST);
		await().atMost(Duration.ofSeconds(5)).until(other::isDone);
		assertThat(this.releases).containsExactly(PermitRelease.INSTANCE_GONE);
		// its successor (a new spawn of the same index) waits its turn like anyone
		CompletableFuture<IdentifyPermit> successor = broker.request(0, "i0-again", 0);
		assertThat(successor).isNotDone();
		broker.report(1, "i1", 2, IdentifyOutcome.READY);
		await().atMost(Duration.ofSeconds(5)).until(successor::isDone);
	}

	@Test
	void aShardThatIdentifiesAgainGoesBehindShardsThatNeverDid() {
		IdentifyBroker broker = broker(3, 1, INTERVAL, null);
		assertThat(broker.request(0, "i0", 0)).isCompleted();
		broker.report(0, "i0", 0, IdentifyOutcome.CLOSED);
		// asked while the bucket waits out its interval: shard 0 a second time, 1 and 2 a first
		askAndReport(broker, 0, 0, IdentifyOutcome.READY);
		askAndReport(broker, 1, 2, IdentifyOutcome.READY);
		askAndReport(broker, 0, 1, IdentifyOutcome.READY);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.grants.size() == 3);
		assertThat(this.grants).extracting(Grant::shard).containsExactly(1, 2, 0);
	}

	@Test
	void theDailyBudgetIsNeverSpentBelowTheReserveAndRecoversAfterTheReset() {
		List<GatewayBot.SessionStartLimit> fetches = new ArrayList<>();
		IdentifyBudget budget = new IdentifyBudget(new GatewayBot.SessionStartLimit(1000, 20, Duration.ofMillis(800), 16),
				10, () -> {
					GatewayBot.SessionStartLimit fresh = new GatewayBot.SessionStartLimit(1000, 1000, Duration.ofDays(1),
							16);
					fetches.add(fresh);
					return fresh;
				});
		IdentifyBroker broker = broker(16, 16, INTERVAL, budget);
		for (int shard = 0; shard < 16; shard++) {
			askAndReport(broker, shard / 2, shard, IdentifyOutcome.READY);
		}
		assertThat(this.grants).hasSize(10);
		assertThat(this.grants).extracting(Grant::shard).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
		IdentifyStatus held = broker.status();
		assertThat(held.waiting()).isEqualTo(6);
		assertThat(held.budget().remaining()).isEqualTo(10);
		assertThat(held.budget().exhausted()).isTrue();
		assertThat(held.holdReason()).contains("10 of 1000 left").contains("reserve 10");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.grants.size() == 16);
		assertThat(fetches).hasSize(1);
		assertThat(broker.status().holdReason()).isNull();
		assertThat(broker.status().budget().remaining()).isEqualTo(994);
	}

	@Test
	void closingRefusesWhatWaits() {
		IdentifyBroker broker = broker(2, 1, INTERVAL, null);
		broker.request(0, "i0", 0);
		CompletableFuture<IdentifyPermit> waiting = broker.request(0, "i0", 1);
		broker.close();
		assertThat(refusal(waiting).code()).isEqualTo(ErrorCode.NOT_CONNECTED);
		assertThat(refusal(broker.request(0, "i0", 1)).code()).isEqualTo(ErrorCode.NOT_CONNECTED);
	}

	@Test
	void onTheTestsClockTheNextPermitOfABucketComesExactlyOneIntervalAfterThePrevious() {
		ManualTime time = new ManualTime();
		IdentifyBroker broker = new IdentifyBroker(gateway(2, 1), Duration.ofSeconds(5), Duration.ofSeconds(60), null,
				(shard) -> 0, time.timer(), time);
		this.brokers.add(broker);
		assertThat(broker.request(0, "i0", 0)).isCompleted();
		broker.report(0, "i0", 0, IdentifyOutcome.READY);
		CompletableFuture<IdentifyPermit> second = broker.request(0, "i0", 1);
		time.advance(Duration.ofSeconds(5).minusNanos(1));
		assertThat(second).isNotDone();
		time.advance(Duration.ofNanos(1));
		assertThat(second).isCompleted();
		assertThat(second.join().waited()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void onTheTestsClockABudgetAtItsReserveHoldsPermitsUntilItsResetAndNotAMomentLonger() {
		ManualTime time = new ManualTime();
		IdentifyBudget budget = new IdentifyBudget(new GatewayBot.SessionStartLimit(1000, 101, Duration.ofHours(3), 1),
				100, () -> new GatewayBot.SessionStartLimit(1000, 1000, Duration.ofDays(1), 1), time);
		IdentifyBroker broker = new IdentifyBroker(gateway(2, 2), Duration.ofSeconds(5), Duration.ofSeconds(60),
				budget, (shard) -> 0, time.timer(), time);
		this.brokers.add(broker);
		assertThat(broker.request(0, "i0", 0)).isCompleted();
		CompletableFuture<IdentifyPermit> held = broker.request(0, "i0", 1);
		assertThat(broker.status().holdReason()).contains("100 of 1000 left");
		time.advance(Duration.ofHours(3).minusNanos(1));
		assertThat(held).isNotDone();
		time.advance(Duration.ofNanos(1));
		assertThat(held).isCompleted();
		assertThat(held.join().remaining()).isEqualTo(999);
		assertThat(broker.status().holdReason()).isNull();
	}

	/** A broker over {@code shards} shards, shard {@code s} run by instance {@code s / 2}. */
	private IdentifyBroker broker(int shards, int maxConcurrency, Duration interval, IdentifyBudget budget) {
		IdentifyBroker broker = new IdentifyBroker(gateway(shards, maxConcurrency), interval, Duration.ofSeconds(30),
				budget, (shard) -> (shard < shards) ? shard / 2 : -1);
		broker.addObserver(this.observer);
		this.brokers.add(broker);
		return broker;
	}

	private static GatewayInfo gateway(int shards, int maxConcurrency) {
		return new GatewayInfo("wss://gateway.invalid", shards, maxConcurrency);
	}

	/** Ask for a permit; once granted, record it and report the outcome at once. */
	private CompletableFuture<IdentifyPermit> askAndReport(IdentifyBroker broker, int instance, int shard,
			IdentifyOutcome outcome) {
		String attempt = "i" + instance;
		long asked = System.nanoTime();
		return broker.request(instance, attempt, shard).thenApply((permit) -> {
			// when it was granted, as the broker measured it: the future completes a little later
			this.grants.add(new Grant(shard, asked + permit.waited().toNanos()));
			broker.report(instance, attempt, shard, outcome);
			return permit;
		});
	}

	/**
	 * Grants are timed from the test's side of the request plus the wait the broker measured,
	 * which can be early by the time the request took to reach the broker's lock: a few
	 * milliseconds are allowed for it.
	 */
	private static void assertSpacedPerBucket(List<Grant> grants, int maxConcurrency, Duration interval) {
		for (int bucket = 0; bucket < maxConcurrency; bucket++) {
			int b = bucket;
			List<Grant> ofBucket = grants.stream().filter((grant) -> grant.shard() % maxConcurrency == b).toList();
			for (int i = 1; i < ofBucket.size(); i++) {
				assertThat(ofBucket.get(i).atNanos() - ofBucket.get(i - 1).atNanos())
					.as("bucket %d, grants %d and %d", b, i - 1, i)
					.isGreaterThanOrEqualTo(interval.minus(ARRIVAL_SLACK).toNanos());
			}
		}
	}

	private static RequestFailedException refusal(CompletableFuture<IdentifyPermit> permit) {
		try {
			permit.get();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RequestFailedException failed) {
				return failed;
			}
			throw new AssertionError("failed otherwise", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
		throw new AssertionError("permit was granted: " + permit.join());
	}

	private record Grant(int shard, long atNanos) {

	}

}
