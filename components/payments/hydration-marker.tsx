'use client';

// Sets <html data-hydrated="1"> once React has hydrated the client tree this is mounted in, so a
// benchmark or browser test can tell "the button is drawn" from "the button works". Mounted
// inside PayForm it fires in the same hydration pass as the pay button. Renders nothing.
import { useEffect } from 'react';

export function HydrationMarker() {
  useEffect(() => {
    document.documentElement.dataset.hydrated = '1';
  }, []);
  return null;
}
