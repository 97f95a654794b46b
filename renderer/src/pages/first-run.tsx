import { NetworkForm } from '../services/network-form';
import { useStore } from '../store';

/**
 * Shown on the Bench until a bench network is chosen: until then nothing answers PXE, and
 * a technician needs to know which DHCP mode fits the bench before a PC boots.
 */
export function FirstRunSetup() {
  const { dismissSetup: dismiss } = useStore.getState();
  return (
    <section className="page first-run" data-testid="first-run">
      <h1>Set up the bench network</h1>
      <p className="lead">
        PrepStation answers network boot (PXE) only on the network you choose here. Until then it
        answers no PC at all, so nothing on your office network is touched.
      </p>
      <div className="explain">
        <div className="card">
          <h3>Proxy mode</h3>
          <p>
            Your bench is on a network that already has a DHCP server (a router, the office server).
            It keeps handing out addresses; PrepStation only tells booting PCs what to load. Choose
            this when in doubt.
          </p>
        </div>
        <div className="card">
          <h3>Full mode</h3>
          <p>
            The bench has its own switch with nothing else on it. PrepStation hands out the
            addresses too. Never on a shared network: a second DHCP server there breaks it for
            everyone.
          </p>
        </div>
      </div>
      <div className="card section">
        <NetworkForm />
      </div>
      <p>
        <button
          type="button"
          className="secondary"
          data-testid="first-run-later"
          onClick={() => dismiss()}
        >
          Not now: show the bench
        </button>
      </p>
    </section>
  );
}
