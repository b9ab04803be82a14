// Renderer entry: mounts the window and connects its state to the core.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { useStore } from './store';
import { connectStore } from './store/connect';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
connectStore().catch((error: unknown) => useStore.setState({ error: `Switchboard could not start: ${String(error)}` }));
