import { useStore } from '../store';
import { selectDhcpBannerHidden, selectDhcpOff, selectNeedsSetup } from '../store/network';

/** "No bench network / DHCP off": hidden on request, and while PCs boot (the bench works). */
export function BenchDhcpBanner() {
  const needsSetup = useStore(selectNeedsSetup);
  const dhcpOff = useStore(selectDhcpOff);
  const hidden = useStore(selectDhcpBannerHidden);
  const { setPrefs } = useStore.getState();
  if (!(needsSetup || dhcpOff) || hidden) return null;
  return (
    <p className="warning banner-row" data-testid="bench-dhcp-off">
      <span>
        {needsSetup
          ? 'No bench network is chosen yet: no PC can network-boot from this station.'
          : 'DHCP is off: no PC can network-boot from this station.'}{' '}
        <a href="#/services">Choose it in Services</a>.
      </span>
      <button
        type="button"
        className="link small"
        data-testid="bench-dhcp-hide"
        onClick={() => setPrefs({ dhcpBannerHidden: true })}
      >
        Hide
      </button>
    </p>
  );
}
