package dev.discordoo.sharding.testbot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import dev.discordoo.sharding.EnableSharding;
import dev.discordoo.sharding.IdentifyOutcome;
import dev.discordoo.sharding.ShardAssignment;
import dev.discordoo.sharding.ShardClient;
import dev.discordoo.sharding.ShardingInstance;
import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.instance.InstanceRuntime;
import dev.discordoo.sharding.protocol.InstanceEnvironment;

/**
 * The bot the manager tests shard: the same class runs as the manager (in the test JVM or
 * a separate one) and as every instance. Its local client reports its assignment to the
 * manager, and misbehaves on request: {@code testbot.fail-file} makes start fail while that
 * file exists, {@code testbot.fail-with-error} makes it throw an {@link Error} instead,
 * {@code testbot.hang-on-destroy} makes destroy wait for {@link #DESTROY_GATE},
 * {@code testbot.hang-on-start} makes start wait until destroy, {@code testbot.echo} is sent
 * back in its ASSIGNED event, and
 * {@code testbot.identify-url} makes it identify each shard at a fake Discord, with a permit
 * from the manager for each, before it reports ready. With {@code testbot.fan-out-hook=true}
 * a manager of it answers fan-outs over HTTP ({@link FanOutHook}). Its events and
 * requests are in {@link TestBotHandlers}.
 */
@SpringBootApplication
@EnableSharding
public class TestBotApplication {

	/** The event each instance sends its manager once started. */
	public static final String ASSIGNED = "ASSIGNED";

	/**
	 * What {@code testbot.hang-on-destroy} waits for, interrupts or not (a client that ignores
	 * them): in a child JVM for ever, in a worker until the test opens it.
	 */
	public static final AtomicReference<CountDownLatch> DESTROY_GATE = new AtomicReference<>(new CountDownLatch(1));

	/**
	 * What the clients of the workers in this JVM did, in order: {@code started <instance id>}
	 * once a client's start is done, {@code destroyed <instance id>} when it is destroyed.
	 */
	public static final Queue<String> LIFECYCLE = new ConcurrentLinkedQueue<>();


	public static void main(String[] args) {
		SpringApplication.run(TestBotApplication.class, args);
	}

	private static void awaitUninterruptibly(CountDownLatch gate) {
		boolean interrupted = false;
		while (gate.getCount() > 0) {
			try {
				gate.await();
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	/** A manager's way in for tests; an instance (its id is set) has none. */
	@Bean
	@ConditionalOnBooleanProperty("testbot.fan-out-hook")
	FanOutHook testBotFanOutHook(ObjectProvider<ShardingManager> manager, Environment environment) {
		return new FanOutHook(manager, environment.containsProperty(InstanceEnvironment.INSTANCE_ID));
	}

	/** The test bot's own client; {@code testbot.jda=true} leaves the starter's JDA client in. */
	@Bean
	@ConditionalOnBooleanProperty(name = "testbot.jda", havingValue = false, matchIfMissing = true)
	ShardClient testBotClient(ObjectProvider<InstanceRuntime> runtime, ObjectProvider<ShardingInstance> instance,
			@Value("${testbot.fail-file:}") String failFile,
			@Value("${testbot.fail-with-error:false}") boolean failWithError,
			@Value("${testbot.hang-on-destroy:false}") boolean hangOnDestroy,
			@Value("${testbot.hang-on-start:false}") boolean hangOnStart,
			@Value("${testbot.hang-file:}") String hangFile, @Value("${testbot.echo:}") String echo,
			@Value("${testbot.identify-url:}") String identifyUrl, @Value("${testbot.token:}") String token) {
		return new ShardClient() {

			private final CountDownLatch destroyed = new CountDownLatch(1);

			@Override
			public void start(ShardAssignment assignment) throws Exception {
				if (!failFile.isEmpty() && Files.exists(Path.of(failFile))) {
					throw new IllegalStateException("testbot told to fail by " + failFile);
				}
				if (failWithError) {
					throw new NoClassDefFoundError("testbot told to fail with an Error");
				}
				if (hangOnStart || (!hangFile.isEmpty() && Files.exists(Path.of(hangFile)))) {
					// never ready: a client stuck waiting for its gateway
					this.destroyed.await();
					return;
				}
				if (!identifyUrl.isEmpty()) {
					FakeGatewayIdentify gateway = new FakeGatewayIdentify(identifyUrl, token);
					for (int shard : assignment.shards()) {
						instance.getObject().awaitIdentify(shard);
						IdentifyOutcome outcome = gateway.identify(shard, assignment.totalShards());
						instance.getObject().reportIdentify(shard, outcome).get();
						if (outcome != IdentifyOutcome.READY) {
							throw new IllegalStateException("shard " + shard + " got " + outcome);
						}
					}
				}
				LIFECYCLE.add("started " + assignment.instanceId());
				runtime.getObject().managerLink()
					.dispatch(ASSIGNED, Map.of("index", assignment.instanceIndex(), "shards", assignment.shards(),
							"total", assignment.totalShards(), "pid", ProcessHandle.current().pid(), "echo", echo));
			}

			@Override
			public void destroy() {
				runtime.ifAvailable((each) -> LIFECYCLE.add("destroyed " + each.identity().instanceId()));
				this.destroyed.countDown();
				if (hangOnDestroy) {
					awaitUninterruptibly(DESTROY_GATE.get());
				}
			}

		};
	}

}
