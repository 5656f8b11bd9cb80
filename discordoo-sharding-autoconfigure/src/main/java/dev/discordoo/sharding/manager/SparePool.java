package dev.discordoo.sharding.manager;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.discordoo.sharding.snowflake.DiscordooSnowflake;
import org.jspecify.annotations.Nullable;

/**
 * Instances started ahead of need: launched and listening, waiting for a HELLO. When an
 * instance is lost, its successor takes a spare instead of waiting for a JVM (or a worker
 * context) to start, and the pool starts another one behind it.
 */
final class SparePool {

	private static final Log logger = LogFactory.getLog(SparePool.class);

	private static final Duration DESTROY_WAIT = Duration.ofSeconds(10);

	private final ManagerContext context;

	private final int instanceCount;

	private final int size;

	private final List<Spare> waiting = new ArrayList<>();

	private final AtomicInteger numbers = new AtomicInteger();

	private int starting;

	/**
	 * One spare: who it is, its secret, and where it listens.
	 */
	record Spare(int number, String instanceId, String token, LaunchedInstance launched,
			InetSocketAddress endpoint) {

		@Override
		public String toString() {
			return "Spare[number=" + this.number + ", instanceId=" + this.instanceId + ", endpoint=" + this.endpoint + "]";
		}

	}

	SparePool(ManagerContext context, int instanceCount, int size) {
		this.context = context;
		this.instanceCount = instanceCount;
		this.size = size;
	}

	/** Start spares until the pool is full. */
	synchronized void fill() {
		while (this.context.lifecycle().isRunning() && this.waiting.size() + this.starting < this.size) {
			this.starting++;
			int number = this.numbers.getAndIncrement();
			this.context.spawner().execute(() -> launch(number));
		}
	}

	/**
	 * Take a spare that is listening and alive, if there is one, and start another.
	 * @return the spare, or {@code null}
	 */
	synchronized @Nullable Spare take() {
		Spare taken = null;
		while (!this.waiting.isEmpty() && taken == null) {
			Spare candidate = this.waiting.remove(0);
			if (!candidate.launched().onExit().isDone()) {
				taken = candidate;
			}
		}
		fill();
		return taken;
	}

	/** How many spares are listening now. */
	synchronized int size() {
		return this.waiting.size();
	}

	/** The pids of the spares listening now. */
	synchronized List<Long> pids() {
		return this.waiting.stream().map((spare) -> spare.launched().pid()).toList();
	}

	/** Destroy every waiting spare and wait for them to be gone. */
	void destroyAll() {
		List<Spare> spares;
		synchronized (this) {
			spares = new ArrayList<>(this.waiting);
			this.waiting.clear();
		}
		List<CompletableFuture<String>> exits = new ArrayList<>();
		for (Spare spare : spares) {
			spare.launched().destroyForcibly();
			exits.add(spare.launched().onExit());
		}
		try {
			CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new))
				.get(DESTROY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			logger.error("Spare instances still running " + DESTROY_WAIT.toSeconds() + " s after they were destroyed");
		}
	}

	private void launch(int number) {
		String instanceId = DiscordooSnowflake.generate(this.instanceCount + number, this.context.pid());
		String token = InstanceAttempt.newToken();
		LaunchedInstance launched;
		try {
			launched = this.context.launcher()
				.launch(new InstanceSpawn(number, this.context.managerId(), instanceId, token, true));
		}
		catch (Exception ex) {
			logger.warn("Could not start spare " + number + ": " + ex);
			synchronized (this) {
				this.starting--;
			}
			return;
		}
		launched.endpoint().whenComplete((endpoint, ex) -> {
			synchronized (this) {
				this.starting--;
				if (ex == null && this.context.lifecycle().isRunning()) {
					this.waiting.add(new Spare(number, instanceId, token, launched, endpoint));
					logger.info("Spare " + number + " (pid " + launched.pid() + ") is waiting to take over");
					return;
				}
			}
			// the manager stopped meanwhile, or the spare died before it listened: a spare that
			// fails is not retried at once, so that a broken build cannot spin here
			if (ex != null) {
				logger.warn("Spare " + number + " ended before it listened: " + ex.getMessage());
			}
			launched.destroyForcibly();
		});
		launched.onExit().thenRun(() -> {
			synchronized (this) {
				this.waiting.removeIf((spare) -> spare.launched() == launched);
			}
		});
	}

}
