"""One APIRouter per module; ``argus.agent.service.app`` includes them."""
