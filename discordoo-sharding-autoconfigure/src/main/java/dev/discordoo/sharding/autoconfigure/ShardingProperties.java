package dev.discordoo.sharding.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

import dev.discordoo.sharding.manager.RestartPolicy;
import dev.discordoo.sharding.manager.ShardAllocation;
import dev.discordoo.sharding.manager.ShardIds;

/**
 * Configuration properties of discordoo-sharding.
 *
 * @param autoStartup Whether the manager spawns its instances as soon as the application
 * starts; when off, call start() on the LocalShardingManager bean
 * @param mode How instances run: child JVMs (processes) or in-JVM workers (workers)
 * @param shards Discord shard ids this manager runs: a count (8: ids 0 to 7), a
 * list (0,2,5), a range (4-11), lists of ranges, or auto for every shard of the total
 * Discord recommends (GET /gateway/bot; needs the Discord token)
 * @param totalShards Total shard count of the bot; defaults to the highest shard id plus one
 * (with shards auto, to Discord's recommendation), and may be larger when several managers
 * split one bot
 * @param shardsPerInstance How many shards each instance runs; the shard list is cut into
 * instances in order
 * @param spawn How instances are spawned
 * @param heartbeat How instances and manager watch each other
 * @param restart How lost instances are restarted
 * @param shutdown How instances are stopped
 * @param ipc Manager-instance link
 * @param processes Settings of child JVMs in processes mode
 * @param instance Settings every instance gets, in either mode
 * @param discord Discord's REST API, which the manager alone calls
 * @param identify How the identifies of every instance are paced
 */
@ConfigurationProperties("discordoo.sharding")
public record ShardingProperties(@DefaultValue("true") boolean autoStartup, @DefaultValue("processes") Mode mode,
		@DefaultValue("1") ShardIds shards,
		Integer totalShards, @DefaultValue("1") int shardsPerInstance, @DefaultValue Spawn spawn,
		@DefaultValue Heartbeat heartbeat, @DefaultValue Restart restart, @DefaultValue Shutdown shutdown,
		@DefaultValue Ipc ipc, @DefaultValue Processes processes, @DefaultValue Instance instance,
		@DefaultValue Discord discord, @DefaultValue Identify identify) {

	/** The property holding the bot token. */
	public static final String TOKEN_PROPERTY = "discordoo.sharding.discord.token";

	/**
	 * Validate.
	 */
	public ShardingProperties {
		// the plan checks how shards, total-shards and shards-per-instance fit together: here
		// already, so that a bad value fails binding like any other
		ShardAllocation.validate(shards, totalShards, shardsPerInstance);
	}

	/**
	 * Return whether the shards come from Discord's recommendation.
	 * @return whether {@code shards} is {@value ShardIds#AUTO}
	 */
	public boolean autoShards() {
		return this.shards.isAuto();
	}

	/**
	 * How sharding instances run.
	 */
	public enum Mode {

		/** Each instance is a child JVM of the same application. */
		PROCESSES,

		/** Each instance is its own application context inside the manager's JVM. */
		WORKERS

	}

	/**
	 * Spawn settings.
	 *
	 * @param timeout How long an instance may take from spawn to IDENTIFY before it is
	 * destroyed and retried
	 * @param helloInterval How often the manager resends HELLO until the instance answers
	 * @param delay Least time between two spawns
	 * @param concurrency How many instances may be starting at once
	 * @param spares How many instances to keep started and waiting, so that a lost instance is
	 * replaced by one that already runs instead of waiting for a new JVM to start
	 * @param readyTimeout How long an instance's local client may take from IDENTIFY to READY
	 * (it may wait for identify permits) before the attempt is destroyed and retried
	 */
	public record Spawn(@DefaultValue("30s") Duration timeout, @DefaultValue("1s") Duration helloInterval,
			@DefaultValue("0s") Duration delay, @DefaultValue("2") int concurrency, @DefaultValue("0") int spares,
			@DefaultValue("10m") Duration readyTimeout) {

		/**
		 * Validate.
		 */
		public Spawn {
			requirePositive("discordoo.sharding.spawn.timeout", timeout);
			requirePositive("discordoo.sharding.spawn.hello-interval", helloInterval);
			if (delay.isNegative()) {
				throw invalid("discordoo.sharding.spawn.delay", delay, "must not be negative");
			}
			if (concurrency < 1) {
				throw invalid("discordoo.sharding.spawn.concurrency", concurrency, "must be at least 1");
			}
			if (spares < 0) {
				throw invalid("discordoo.sharding.spawn.spares", spares, "must not be negative");
			}
			requirePositive("discordoo.sharding.spawn.ready-timeout", readyTimeout);
		}

	}

	/**
	 * Heartbeat settings.
	 *
	 * @param interval How often an instance sends a heartbeat
	 * @param tolerance How many intervals may pass without a heartbeat (or its ack) before
	 * the other side counts the link as lost
	 */
	public record Heartbeat(@DefaultValue("5s") Duration interval, @DefaultValue("3") int tolerance) {

		/**
		 * Validate.
		 */
		public Heartbeat {
			requirePositive("discordoo.sharding.heartbeat.interval", interval);
			if (tolerance < 1) {
				throw invalid("discordoo.sharding.heartbeat.tolerance", tolerance, "must be at least 1");
			}
		}

	}

	/**
	 * Restart settings.
	 *
	 * @param enabled Whether lost instances are restarted automatically
	 * @param initialBackoff Delay before the first restart
	 * @param maxBackoff Longest delay between restarts
	 * @param multiplier How much the delay grows with each restart
	 * @param jitter Most random time added to a delay, so instances lost together do not
	 * restart in lockstep
	 * @param maxRestarts How many restarts within the window are allowed before the instance
	 * is FAILED (the crash-loop limit)
	 * @param window Period restarts are counted in
	 * @param overlap Whether a restart by hand (restart, restartAll, the endpoint) of a READY
	 * instance starts its successor first and stops it only once the successor is READY, so
	 * that its shards stay connected; costs each shard one identify more of the daily budget
	 * and a few seconds in which both sessions receive the shard's events
	 */
	public record Restart(@DefaultValue("true") boolean enabled, @DefaultValue("1s") Duration initialBackoff,
			@DefaultValue("60s") Duration maxBackoff, @DefaultValue("2") double multiplier,
			@DefaultValue("0ms") Duration jitter, @DefaultValue("5") int maxRestarts,
			@DefaultValue("10m") Duration window, @DefaultValue("true") boolean overlap) {

		/**
		 * Validate.
		 */
		public Restart {
			// the rules live with the policy that applies them, which names the properties
			settings(enabled, initialBackoff, maxBackoff, multiplier, jitter, maxRestarts, window);
		}

		/**
		 * Return these settings as the restart policy takes them.
		 * @return the settings
		 */
		public RestartPolicy.Settings settings() {
			return settings(this.enabled, this.initialBackoff, this.maxBackoff, this.multiplier, this.jitter,
					this.maxRestarts, this.window);
		}

		private static RestartPolicy.Settings settings(boolean enabled, Duration initialBackoff, Duration maxBackoff,
				double multiplier, Duration jitter, int maxRestarts, Duration window) {
			return new RestartPolicy.Settings(enabled, initialBackoff, maxBackoff, multiplier, jitter, maxRestarts,
					window);
		}

	}

	/**
	 * Shutdown settings.
	 *
	 * @param timeout How long an instance may take to stop gracefully before it is destroyed
	 * forcibly
	 */
	public record Shutdown(@DefaultValue("10s") Duration timeout) {

		/**
		 * Validate.
		 */
		public Shutdown {
			requirePositive("discordoo.sharding.shutdown.timeout", timeout);
		}

	}

	/**
	 * IPC settings.
	 *
	 * @param host Address instances listen on, and the manager connects to
	 * @param port Port an instance listens on; 0 for an ephemeral one
	 * @param maxFrameSize Largest frame accepted or sent
	 * @param requestTimeout Default timeout of a request
	 */
	public record Ipc(@DefaultValue("127.0.0.1") String host, @DefaultValue("0") int port,
			@DefaultValue("1MB") DataSize maxFrameSize, @DefaultValue("60s") Duration requestTimeout) {

		/**
		 * Validate.
		 */
		public Ipc {
			if (host == null || host.isBlank()) {
				throw invalid("discordoo.sharding.ipc.host", host, "must not be empty");
			}
			if (port < 0 || port > 65535) {
				throw invalid("discordoo.sharding.ipc.port", port, "must be between 0 and 65535");
			}
			if (maxFrameSize.toBytes() < 2 || maxFrameSize.toBytes() > Integer.MAX_VALUE) {
				throw invalid("discordoo.sharding.ipc.max-frame-size", maxFrameSize,
						"must be between 2B (the smallest frame, '{}') and 2GB");
			}
			requirePositive("discordoo.sharding.ipc.request-timeout", requestTimeout);
		}

	}

	/**
	 * Child JVM settings of processes mode.
	 *
	 * @param jvmArgs JVM arguments of every child; the default keeps a long-running child
	 * small and quick to start (serial GC, C1 compiler only, a 16 MiB initial heap that grows
	 * as needed and is given back when free); setting any replaces them all
	 * @param env Extra environment variables of every child
	 * @param mainClass Main class children run; defaults to the application's own
	 * @param classpath Class path children run with; defaults to the manager's own
	 * @param jar Executable jar children run with java -jar; defaults to the manager's own
	 * jar when it was started with java -jar; cannot be set with main-class or classpath
	 * @param classDataSharing Whether children started from a jar start from a class data
	 * archive made once per jar and JDK (auto: an AOT cache on JDK 25 and later, a dynamic
	 * AppCDS archive before), or always plainly (off)
	 * @param classDataCacheDirectory Directory of the class data sharing cache; defaults to
	 * .cache/discordoo-sharding/class-data in the user's home
	 * @param springAot Whether children that start from the class data cache also start with
	 * the application's context processed ahead of time by Spring AOT for a sharding instance
	 * (auto), made with the archive, or without (off); the processing evaluates the
	 * application's conditions once, so turn it off if an instance's beans depend on
	 * configuration that is neither in the jar, nor in the environment, nor in
	 * application.properties or .yml files of the working directory
	 */
	public record Processes(
			@DefaultValue({ "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-Xss512k",
					"-Xms16m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30" }) List<String> jvmArgs,
			@DefaultValue Map<String, String> env, String mainClass, String classpath, String jar,
			@DefaultValue("auto") ClassDataSharing classDataSharing, Path classDataCacheDirectory,
			@DefaultValue("auto") SpringAotMode springAot) {

		/**
		 * Validate.
		 */
		public Processes {
			if (jar != null && (mainClass != null || classpath != null)) {
				throw invalid("discordoo.sharding.processes.jar", jar,
						"cannot be set with discordoo.sharding.processes.main-class or classpath: a jar decides its "
								+ "own main class and class path");
			}
		}

		/**
		 * Return the directory of the class data sharing cache.
		 * @return the configured directory, or the default in the user's home
		 */
		public Path classDataCache() {
			return (this.classDataCacheDirectory != null) ? this.classDataCacheDirectory
					: Path.of(System.getProperty("user.home"), ".cache", "discordoo-sharding", "class-data");
		}

	}

	/**
	 * Whether child JVMs started from the class data cache use Spring AOT.
	 */
	public enum SpringAotMode {

		/**
		 * The context of a sharding instance is processed ahead of time with the class data
		 * archive, once per jar, JDK and configuration of the children; if that fails,
		 * children start from the archive without it.
		 */
		AUTO,

		/** Children start without Spring AOT. */
		OFF

	}

	/**
	 * Whether child JVMs use class data sharing.
	 */
	public enum ClassDataSharing {

		/**
		 * Children started from a jar use a class data archive made in the background once
		 * per jar and JDK; until it is ready, and if it cannot be made, they start plainly.
		 */
		AUTO,

		/** Children always start plainly. */
		OFF

	}

	/**
	 * Settings every instance gets, in either mode.
	 *
	 * @param properties Extra application properties of every instance, above its own
	 * configuration files (given to child processes in their environment, as
	 * SPRING_APPLICATION_JSON, never on their command line)
	 * @param webApplicationType Web application type of instances; none keeps
	 * instances from starting a web server of their own
	 */
	public record Instance(@DefaultValue Map<String, String> properties,
			@DefaultValue("none") WebApplicationType webApplicationType) {

	}

	/**
	 * Discord settings: the manager calls the REST API, the instances' Discord client identifies.
	 *
	 * @param token Bot token, typically ${DISCORD_TOKEN}; without it the manager never calls
	 * Discord and takes identify limits from the identify properties
	 * @param apiUrl Base URL of Discord's REST API
	 * @param retryFor How long the manager retries an unreachable REST API at start-up before it
	 * fails
	 * @param gatewayUrl Gateway URL handed to instances when there is no token (with a token,
	 * Discord's own)
	 */
	public record Discord(String token, @DefaultValue("https://discord.com/api/v10") URI apiUrl,
			@DefaultValue("2m") Duration retryFor, @DefaultValue("wss://gateway.discord.gg") String gatewayUrl) {

		/**
		 * Validate.
		 */
		public Discord {
			if (token != null && token.isBlank()) {
				token = null;
			}
			requirePositive("discordoo.sharding.discord.retry-for", retryFor);
		}

		/**
		 * Return whether a token is set.
		 * @return whether the manager may call Discord
		 */
		public boolean hasToken() {
			return this.token != null;
		}

		@Override
		public String toString() {
			// never the token: records print every component by default
			return "Discord[token=" + (hasToken() ? "******" : "none") + ", apiUrl=" + this.apiUrl + ", retryFor="
					+ this.retryFor + ", gatewayUrl=" + this.gatewayUrl + "]";
		}

	}

	/**
	 * Identify pacing settings.
	 *
	 * @param interval Least time between two identifies of one rate-limit bucket: Discord's 5 s
	 * plus a safety margin
	 * @param maxConcurrency How many buckets identify at once when there is no token (with a
	 * token, Discord's max_concurrency)
	 * @param reserve Identifies of the daily budget never spent: below it, permits are held until
	 * the budget resets. Defaults to 10% of the daily total
	 * @param permitTimeout How long a granted permit holds its bucket when its instance reports
	 * no outcome
	 */
	public record Identify(@DefaultValue("5500ms") Duration interval, @DefaultValue("1") int maxConcurrency,
			Integer reserve, @DefaultValue("60s") Duration permitTimeout) {

		/**
		 * Validate.
		 */
		public Identify {
			requirePositive("discordoo.sharding.identify.interval", interval);
			if (maxConcurrency < 1) {
				throw invalid("discordoo.sharding.identify.max-concurrency", maxConcurrency, "must be at least 1");
			}
			if (reserve != null && reserve < 0) {
				throw invalid("discordoo.sharding.identify.reserve", reserve, "must not be negative");
			}
			requirePositive("discordoo.sharding.identify.permit-timeout", permitTimeout);
		}

	}

	private static void requirePositive(String property, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw invalid(property, value, "must be positive");
		}
	}

	private static InvalidConfigurationPropertyValueException invalid(String property, Object value, String reason) {
		return new InvalidConfigurationPropertyValueException(property, value, reason);
	}

}
