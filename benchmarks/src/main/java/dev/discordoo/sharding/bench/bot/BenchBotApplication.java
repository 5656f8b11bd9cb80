package dev.discordoo.sharding.bench.bot;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

import dev.discordoo.sharding.EnableSharding;
import dev.discordoo.sharding.IdentifyOutcome;
import dev.discordoo.sharding.ShardAssignment;
import dev.discordoo.sharding.ShardClient;
import dev.discordoo.sharding.ShardEventContext;
import dev.discordoo.sharding.ShardingInstance;
import dev.discordoo.sharding.listener.ShardMessageHandler;
import dev.discordoo.sharding.protocol.InstanceEnvironment;

/**
 * The bot the manager scenarios shard: the same class is the manager (in the benchmark JVM)
 * and every instance (child JVM or worker). Its shards are ready at once, and every instance
 * answers any request with its payload, which is what the fan-out scenario measures. With
 * {@code bench.identify=true} each shard first waits for the manager's identify permit and
 * reports READY right after, as a gateway client would around its IDENTIFY: what the
 * identify scenario measures. With {@code bench.jda=true} (and a Discord token) it declares no
 * client, so the instance runs the starter's JDA client: what the jda scenario measures.
 */
@SpringBootApplication
@EnableSharding
public class BenchBotApplication {

	public static void main(String[] args) {
		SpringApplication.run(BenchBotApplication.class, args);
	}

	@Bean
	@ConditionalOnProperty(InstanceEnvironment.INSTANCE_ID)
	ShardMessageHandler benchEchoHandler() {
		return new ShardMessageHandler() {

			@Override
			public void onDispatch(String event, JsonNode data, ShardEventContext sender) {
			}

			@Override
			public CompletionStage<JsonNode> onRequest(String name, JsonNode payload, ShardEventContext sender) {
				return CompletableFuture.completedFuture(payload);
			}

		};
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "bench.jda", havingValue = false, matchIfMissing = true)
	ShardClient benchShardClient(ObjectProvider<ShardingInstance> instance,
			@Value("${bench.identify:false}") boolean identify) {
		return new ShardClient() {

			@Override
			public void start(ShardAssignment assignment) throws InterruptedException {
				if (!identify) {
					// no gateway: the shards are ready at once
					return;
				}
				// the instance bean is asked for here, not injected: the manager's context has
				// this client too, and no ShardingInstance
				ShardingInstance sharding = instance.getObject();
				for (int shard : assignment.shards()) {
					sharding.awaitIdentify(shard);
					// no gateway answers: the identify is READY at once, which frees the bucket
					sharding.reportIdentify(shard, IdentifyOutcome.READY).join();
				}
			}

			@Override
			public void destroy() {
			}

		};
	}

}
