package dev.discordoo.sample;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.discordoo.sample.ConditionalOnShardingRole.Role;
import dev.discordoo.sharding.ShardRequestHandler;
import dev.discordoo.sharding.ShardingInstance;

/**
 * The instance's side of the guild counts: tells the manager how many guilds this instance
 * sees, once its shards are connected and then every
 * {@code sample.guild-count.report-interval}, as a {@value #EVENT} event; and answers the
 * manager's {@value #REQUEST} request with the live count.
 */
@Component
@ConditionalOnShardingRole(Role.INSTANCE)
public class GuildCountReporter implements DisposableBean {

	/** The event an instance dispatches to its manager with its {@link GuildCount}. */
	public static final String EVENT = "GUILD_COUNT";

	/** The request an instance answers with its live {@link GuildCount}. */
	public static final String REQUEST = "guild-count";

	/** The request an instance answers with one of its guilds. */
	public static final String GUILD_REQUEST = "guild";

	private static final Log logger = LogFactory.getLog(GuildCountReporter.class);

	private final ShardingInstance instance;

	private final GuildSource client;

	private final Duration interval;

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "guild-count-reporter");
		thread.setDaemon(true);
		return thread;
	});

	/**
	 * Create a reporter.
	 * @param instance this instance's link to its manager
	 * @param client the client whose guilds are counted
	 * @param interval how often to report
	 */
	public GuildCountReporter(ShardingInstance instance, GuildSource client,
			@Value("${sample.guild-count.report-interval:5s}") Duration interval) {
		this.instance = instance;
		this.client = client;
		this.interval = interval;
	}

	/**
	 * Report at once, so that the manager has a count as soon as the shards are up, and then
	 * at the configured interval.
	 * @param event the client's shards are connected
	 */
	@EventListener
	public void onShardsConnected(GuildSource.Connected event) {
		this.scheduler.scheduleAtFixedRate(this::report, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void report() {
		if (!this.client.isConnected()) {
			return;
		}
		try {
			this.instance.dispatch(EVENT, this.client.guildCount());
		}
		catch (RuntimeException ex) {
			// the link is going down with the instance, or the manager is restarting it: the
			// next spawn reports afresh, so a lost report is not worth more than a debug line
			logger.debug("Guild count not reported", ex);
		}
	}

	/**
	 * Answer the manager with the guilds the shards see now.
	 * @return the live guild count
	 */
	@ShardRequestHandler(REQUEST)
	public GuildCount guildCount() {
		return this.client.guildCount();
	}

	/**
	 * Describe one guild, if one of this instance's shards sees it: the manager routes this
	 * request with {@code Targets.guild(id)} to the instance that runs the guild's shard.
	 * @param id the guild id
	 * @return the guild, or {@code null} when the shard does not see it
	 */
	@ShardRequestHandler(GUILD_REQUEST)
	public @Nullable GuildInfo guild(long id) {
		return this.client.guild(id);
	}

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
	}

}
