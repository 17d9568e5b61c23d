/**
 * An intrusive doubly linked list of flows: moving a flow to the tail on every packet costs a few pointer writes and
 * no allocation, and the head is always the one to look at first (least recently active, or earliest to linger out).
 */

export interface ListedFlow {
  prev: ListedFlow | null;
  next: ListedFlow | null;
  list: FlowList<ListedFlow> | null;
}

export class FlowList<T extends ListedFlow> {
  head: T | null = null;
  private tail: T | null = null;
  count = 0;

  append(flow: T): void {
    flow.list = this;
    flow.prev = this.tail;
    flow.next = null;
    if (this.tail === null) this.head = flow;
    else this.tail.next = flow;
    this.tail = flow;
    this.count++;
  }

  remove(flow: T): void {
    if (flow.prev === null) this.head = flow.next as T | null;
    else flow.prev.next = flow.next;
    if (flow.next === null) this.tail = flow.prev as T | null;
    else flow.next.prev = flow.prev;
    flow.prev = flow.next = null;
    flow.list = null;
    this.count--;
  }

  /** Marks `flow` as the most recent one. */
  moveToTail(flow: T): void {
    if (this.tail === flow) return;
    this.remove(flow);
    this.append(flow);
  }
}
