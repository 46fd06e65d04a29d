import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { startRouter } from './lib/router.svelte';

startRouter();
const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app');
mount(App, { target });
