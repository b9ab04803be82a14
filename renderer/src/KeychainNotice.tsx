// Said once where there is no OS keychain: the passwords are kept in the settings file, and how to get
// a keychain. Dismissed for good (the core remembers it across restarts).
import { api } from './api';
import { useStore } from './store';

export function KeychainNotice() {
  const notice = useStore((s) => s.keychainNotice);
  if (!notice) return null;
  const dismiss = async () => {
    const result = await api.app.dismissKeychainNotice({});
    useStore.setState(result.ok ? { keychainNotice: result.value.keychainNotice } : { error: result.error.message });
  };
  return (
    <div className="keychain-notice" role="status" aria-label="Where your passwords are kept">
      <p>
        Your account passwords are kept unencrypted in the settings file <code>{notice.settingsFile}</code>: there is no keychain here to
        lock them in. {notice.advice}
      </p>
      <button type="button" onClick={() => void dismiss()}>
        Got it
      </button>
    </div>
  );
}
