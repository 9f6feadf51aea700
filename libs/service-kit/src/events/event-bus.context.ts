import { BaseRpcContext } from '@nestjs/microservices';

/** `@Ctx()` of an `@EventPattern` handler: the topic and the consumer that delivered the batch. */
export class EventBusContext extends BaseRpcContext<[topic: string, consumer: string]> {
  getTopic(): string {
    return this.args[0];
  }

  getConsumer(): string {
    return this.args[1];
  }
}
