package dev.discordoo.sharding.manager;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.SmartApplicationListener;

import dev.discordoo.sharding.AllShardsReadyEvent;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.InstanceStateChangedEvent;
import dev.discordoo.sharding.ShardingManager;

/**
 * Ties the manager's readiness ({@link ReadinessState}) to its shards: accepting traffic
 * only while every instance is READY. Spring Boot declares an application ready once it has
 * started, usually before its instances are; this listener takes that back until they are,
 * and again whenever one is lost.
 */
public final class ShardingReadinessPublisher implements SmartApplicationListener {

	private final ShardingManager manager;

	private final ApplicationEventPublisher publisher;

	/**
	 * Create a publisher.
	 * @param manager the manager whose instances decide
	 * @param publisher publishes the availability changes
	 */
	public ShardingReadinessPublisher(ShardingManager manager, ApplicationEventPublisher publisher) {
		this.manager = manager;
		this.publisher = publisher;
	}

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return AvailabilityChangeEvent.class.isAssignableFrom(eventType)
				|| AllShardsReadyEvent.class.isAssignableFrom(eventType)
				|| InstanceStateChangedEvent.class.isAssignableFrom(eventType);
	}

	@Override
	public synchronized void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof AvailabilityChangeEvent<?> change && change.getState() == ReadinessState.ACCEPTING_TRAFFIC
				&& !allReady()) {
			AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.REFUSING_TRAFFIC);
		}
		else if (event instanceof AllShardsReadyEvent) {
			AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.ACCEPTING_TRAFFIC);
		}
		else if (event instanceof InstanceStateChangedEvent change && change.getPreviousState() == InstanceState.READY
				&& change.getState() != InstanceState.READY) {
			AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.REFUSING_TRAFFIC);
		}
	}

	private boolean allReady() {
		return this.manager.instances().stream().allMatch((info) -> info.state() == InstanceState.READY);
	}

}
