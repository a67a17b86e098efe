import BikeShare
import Chassis

Service.main(BicycleContext.self)
