package dev.discordoo.sharding;

import java.util.List;

import org.springframework.context.ApplicationEvent;

/**
 * Published by the manager each time every one of its instances has become READY: after
 * start-up, and again after a lost instance came back.
 */
public class AllShardsReadyEvent extends ApplicationEvent {

	private final List<InstanceInfo> instances;

	/**
	 * Create a new event.
	 * @param source the manager
	 * @param instances every instance, all READY
	 */
	public AllShardsReadyEvent(Object source, List<InstanceInfo> instances) {
		super(source);
		this.instances = List.copyOf(instances);
	}

	/**
	 * Return every instance.
	 * @return the instances
	 */
	public List<InstanceInfo> getInstances() {
		return this.instances;
	}

}
