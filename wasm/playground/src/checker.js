// The page's side of the checker worker: requests are answered in order, as promises.

export class Checker {
  constructor(worker) {
    this.worker = worker;
    this.nextId = 1;
    this.waiting = new Map();
    /** Called with the worker's own messages (`{ event, ... }`, not answers to a request). */
    this.onEvent = () => {};
    worker.onmessage = (event) => {
      if (event.data.event) {
        this.onEvent(event.data);
        return;
      }
      const { id, result, error } = event.data;
      const w = this.waiting.get(id);
      if (!w) return;
      this.waiting.delete(id);
      if (error !== undefined) w.reject(new Error(error));
      else w.resolve(result);
    };
    worker.onerror = (event) => {
      const err = new Error(`the checker failed: ${event.message || 'worker error'}`);
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
      this.failed = err;
    };
  }

  request(op, payload = {}) {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, ...payload });
    });
  }
}
